export * from "./chat-stream.js";
export * from "./choices.js";
export * from "./client.js";
export * from "./openai-sampler.js";
export * from "./retry.js";
export * from "./semaphore.js";
export type * from "./types.js";
export * from "./wire.js";
