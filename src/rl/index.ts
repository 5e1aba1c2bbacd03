/** boxed RL algorithms: pure functions over arrays (rewards, advantages, losses, selection, schedules). */
export * from "./advantages/index.js";
export * from "./correction/index.js";
export * from "./losses/index.js";
export * from "./rewards/index.js";
export * from "./schedules/index.js";
export * from "./select/index.js";
export type { Rollout } from "./types.js";
