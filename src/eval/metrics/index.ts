export * from "./cluster.js";
export * from "./combinatorics.js";
export * from "./majority.js";
export * from "./pass-at-k.js";
export * from "./statistics.js";
export * from "./summary.js";
export type * from "./types.js";
