export * from "./client-limiter.js";
export * from "./completion-response.js";
export * from "./errors.js";
export * from "./passthrough.js";
export * from "./routing.js";
export * from "./server.js";
