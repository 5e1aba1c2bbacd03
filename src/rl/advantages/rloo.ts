import type { AdvantageEstimator } from "./types.js";

/**
 * RLOO advantage — Ahmadian et al. 2024, "Back to Basics: Revisiting REINFORCE Style Optimization",
 * arXiv:2402.14740 (leave-one-out baseline of Kool et al. 2019).
 *   Â_i = r_i − (1/(n−1)) Σ_{j≠i} r_j  =  n/(n−1) · (r_i − mean(r)).
 * A group of one sample has no other sample to compare with: advantage 0.
 */
export const rlooAdvantages: AdvantageEstimator = (rewards_G_N) =>
  rewards_G_N.map((rewards_N) => {
    const count = rewards_N.length;
    if (count < 2) return rewards_N.map(() => 0);
    let total = 0;
    for (const reward of rewards_N) total += reward;
    return rewards_N.map((reward) => reward - (total - reward) / (count - 1));
  });
