/** boxed — the public API. Each capability exports its own index; this file only re-exports. */

export * from "./data/index.js";
export * from "./engine/index.js";
export * from "./eval/index.js";
export * from "./report/index.js";
export * from "./rl/index.js";
export * from "./sample/index.js";
export * from "./scale/index.js";
export * from "./store/index.js";
export * from "./tokenize/index.js";
export * from "./verify/index.js";
export { VERSION } from "./version.js";
