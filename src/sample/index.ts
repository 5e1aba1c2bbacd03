export * from "./choices.js";
export * from "./openai-sampler.js";
export * from "./retry.js";
export * from "./semaphore.js";
export type * from "./types.js";
