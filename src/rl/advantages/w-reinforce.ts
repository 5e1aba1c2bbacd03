import { numberOption } from "../validate.js";
import type { AdvantageEstimator } from "./types.js";

/**
 * W-REINFORCE (weighted positive/negative sample reinforcement) — Zhu et al. 2025, "The Surprising
 * Effectiveness of Negative Reinforcement in LLM Reasoning", arXiv:2506.01347:
 *   Â_i = +λ if sample i is correct, −1 otherwise;  λ = option `positiveWeight` (default 0.1).
 * A sample is correct when its reward exceeds option `correctThreshold` (default 0.5, so rewards in
 * {0, 1} or {−1, 1} both work). No group baseline, so a group of one sample keeps its value.
 */
export const wReinforceAdvantages: AdvantageEstimator = (rewards_G_N, options) => {
  const positiveWeight = numberOption(options, "positiveWeight", 0.1, 0);
  const correctThreshold = numberOption(options, "correctThreshold", 0.5);
  return rewards_G_N.map((rewards_N) =>
    rewards_N.map((reward) => (reward > correctThreshold ? positiveWeight : -1)),
  );
};
