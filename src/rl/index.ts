/** boxed RL algorithms: pure functions over arrays (rewards, advantages, losses, selection, schedules). */
export * from "./advantages/index.js";
export * from "./losses/index.js";
export type { Rollout } from "./types.js";
