import { numberOption } from "../validate.js";
import { mean, sampleStd } from "./statistics.js";
import { type AdvantageEstimator, DEFAULT_EPSILON } from "./types.js";

/**
 * GRPO advantage — Shao et al. 2024 (DeepSeekMath), arXiv:2402.03300, §4.1.2.
 *   Â_i = (r_i − mean(r)) / (std(r) + ε),  std = unbiased sample std (as verl), ε = 1e-6.
 * A group of one sample has no baseline: its advantage is 0 (verl would return r_i / 1).
 * A group whose rewards are all equal gets 0 everywhere.
 */
export const grpoAdvantages: AdvantageEstimator = (rewards_G_N, options) => {
  const epsilon = numberOption(options, "epsilon", DEFAULT_EPSILON, 0);
  return rewards_G_N.map((rewards_N) => {
    if (rewards_N.length < 2) return rewards_N.map(() => 0);
    const center = mean(rewards_N);
    const spread = sampleStd(rewards_N);
    return rewards_N.map((reward) => (reward - center) / (spread + epsilon));
  });
};

/**
 * Dr. GRPO advantage — Liu et al. 2025, "Understanding R1-Zero-Like Training", arXiv:2503.20783.
 *   Â_i = r_i − mean(r)   (no division by the std, which biases towards easy/hard questions).
 * Pair it with the `seq_mean_token_sum_norm` aggregation to remove the length bias as well.
 */
export const drGrpoAdvantages: AdvantageEstimator = (rewards_G_N) =>
  rewards_G_N.map((rewards_N) => {
    const center = mean(rewards_N);
    return rewards_N.map((reward) => (rewards_N.length < 2 ? 0 : reward - center));
  });
