import { numberOption } from "../validate.js";
import { mean, sampleStd } from "./statistics.js";
import { type AdvantageEstimator, DEFAULT_EPSILON } from "./types.js";

/**
 * NGRPO advantage calibration — Nan et al. 2025, "NGRPO: Negative-enhanced Group Relative Policy
 * Optimization", arXiv:2509.18851. A virtual sample with the maximum reward r_max joins every group when
 * the mean and std are computed, so an all-wrong group still gets (negative) advantages:
 *   r' = r ∪ {r_max},  Â_i = (r_i − mean(r')) / (std(r') + ε)   (std unbiased, over n + 1 values).
 * Option `maxReward` (default 1). An all-correct group (all r_i = r_max) gets 0. A group of one sample
 * gets 0, like every group-baseline estimator in boxed.
 */
export const ngrpoAdvantages: AdvantageEstimator = (rewards_G_N, options) => {
  const epsilon = numberOption(options, "epsilon", DEFAULT_EPSILON, 0);
  const maxReward = numberOption(options, "maxReward", 1);
  return rewards_G_N.map((rewards_N) => {
    if (rewards_N.length < 2) return rewards_N.map(() => 0);
    const augmented = [...rewards_N, maxReward];
    const center = mean(augmented);
    const spread = sampleStd(augmented);
    return rewards_N.map((reward) => (reward - center) / (spread + epsilon));
  });
};
