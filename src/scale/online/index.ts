export * from "./run.js";
export * from "./sub-thoughts.js";
export * from "./text-completer.js";
export * from "./thinking-budget.js";
export * from "./verifier-scorer.js";
