export * from "./adaptive-consistency.js";
export * from "./confidence.js";
export * from "./registry.js";
export * from "./stopping.js";
export * from "./tally.js";
export type * from "./types.js";
export * from "./vote.js";
export * from "./weights.js";
