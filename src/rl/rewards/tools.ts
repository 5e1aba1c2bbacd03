import type { RewardFunction } from "./types.js";

/**
 * Tool-error penalty: r = −(failed runs / runs), 0 without runs (a response whose code crashes or
 * times out scores below one whose code runs). A response without tool facts ran no code: 0
 * (`boxed train` refuses this reward when the config has no `tools`).
 */
export const toolErrorReward: RewardFunction = (group_N) =>
  group_N.map(({ tools }) => (tools === undefined || tools.calls === 0 ? 0 : -tools.errors / tools.calls));

/**
 * Void-turn penalty: r = −1 when a turn produced neither a complete code block nor a final answer
 * (SimpleTIR, Xue et al. 2025, arXiv:2509.02479, which masks such trajectories; `tools.maskVoidTurns`
 * does that in the loss), else 0.
 */
export const voidTurnReward: RewardFunction = (group_N) =>
  group_N.map(({ tools }) => ((tools?.voidTurns ?? 0) > 0 ? -1 : 0));
