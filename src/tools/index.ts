export { DEFAULT_LIMITS, resolveLimits, type SandboxLimits } from "./sandbox/limits.js";
export { LocalSandbox, type LocalSandboxOptions } from "./sandbox/local-sandbox.js";
export * from "./types.js";
