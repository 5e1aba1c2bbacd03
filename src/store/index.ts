export * from "./config-hash.js";
export * from "./sample-store.js";
