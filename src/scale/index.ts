/** Test-time scaling: strategies (pure), the offline analyzer, the online runner and the proxy. */
export * from "./analyze/index.js";
export * from "./online/index.js";
export * from "./serve/index.js";
export * from "./strategies/index.js";
