import { numberOption } from "../validate.js";
import type { RewardFunction } from "./types.js";

/**
 * Kimi k1.5 group length reward — Kimi Team 2025, arXiv:2501.12599 §2.3.3. Over the group,
 *   λ_i = 0.5 − (len_i − min_len) / (max_len − min_len),
 *   r_i = λ_i if correct, min(0, λ_i) if wrong.   All lengths equal → 0.
 */
export const kimiLengthReward: RewardFunction = (group_N) => {
  const lengths = group_N.map((sample) => sample.responseLength);
  const shortest = Math.min(...lengths);
  const longest = Math.max(...lengths);
  return group_N.map((sample) => {
    if (longest === shortest) return 0;
    const lambda = 0.5 - (sample.responseLength - shortest) / (longest - shortest);
    return sample.correct ? lambda : Math.min(0, lambda);
  });
};

/**
 * Adaptive length penalty (ALP) — Xiang et al. 2025, "Just Enough Thinking", arXiv:2506.05256:
 * the penalty on length grows with the group's solve rate p̂ (easy prompts pay more for tokens):
 *   r_i = −β · N_i · max(p̂, 1/K),   p̂ = (#correct)/K over the K samples of the group.
 * Add it to the correctness reward (weighted composition). Option beta (default 1e-3).
 */
export const adaptiveLengthPenalty: RewardFunction = (group_N, options) => {
  const beta = numberOption(options, "beta", 1e-3, 0);
  const count = group_N.length;
  if (count === 0) return [];
  const solveRate = group_N.filter((sample) => sample.correct).length / count;
  const scale = Math.max(solveRate, 1 / count);
  return group_N.map((sample) => -beta * sample.responseLength * scale);
};
