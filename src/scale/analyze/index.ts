export * from "./analyze.js";
export * from "./chart.js";
export * from "./conformal.js";
export * from "./expectation.js";
export * from "./pools.js";
export * from "./svg-chart.js";
export type * from "./types.js";
