import { assertMatrix, lookup } from "../validate.js";
import { drGrpoAdvantages, grpoAdvantages } from "./grpo.js";
import { ngrpoAdvantages } from "./ngrpo.js";
import { reinforcePlusPlusAdvantages, reinforcePlusPlusBaselineAdvantages } from "./reinforce-plus-plus.js";
import { rlooAdvantages } from "./rloo.js";
import type { AdvantageEstimator, AdvantageOptions } from "./types.js";
import { wReinforceAdvantages } from "./w-reinforce.js";

/** Outcome advantage estimators by config name (`advantage.estimator`). */
export const advantageEstimators = new Map<string, AdvantageEstimator>([
  ["grpo", grpoAdvantages],
  ["dr_grpo", drGrpoAdvantages],
  ["rloo", rlooAdvantages],
  ["reinforce_pp", reinforcePlusPlusAdvantages],
  ["reinforce_pp_baseline", reinforcePlusPlusBaselineAdvantages],
  ["ngrpo", ngrpoAdvantages],
  ["w_reinforce", wReinforceAdvantages],
]);

/**
 * Outcome advantages of a batch: `rewards_G_N[g][i]` is the reward of sample i of group g; the result
 * has the same shape. `options.estimator` selects the estimator from `advantageEstimators`.
 *
 * @example computeAdvantages([[1, 0, 0, 1]], { estimator: "grpo" }) // ≈ [[0.866, -0.866, -0.866, 0.866]]
 */
export function computeAdvantages(rewards_G_N: number[][], options: AdvantageOptions): number[][] {
  if (options === null || typeof options !== "object") throw new Error("options must be an object");
  const estimator = lookup(advantageEstimators, "options.estimator (advantage estimator)", options.estimator);
  assertMatrix("rewards", rewards_G_N);
  return estimator(rewards_G_N, options);
}
