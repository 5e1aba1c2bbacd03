export * from "./benchmarks.js";
export * from "./boxed-gold.js";
export * from "./csv.js";
export * from "./huggingface.js";
export * from "./jsonl.js";
export * from "./local-file.js";
export * from "./package-paths.js";
export * from "./prompts.js";
export type * from "./types.js";
