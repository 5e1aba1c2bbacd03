import { numberOption } from "../validate.js";
import { flatten, mean, sampleStd } from "./statistics.js";
import { type AdvantageEstimator, DEFAULT_EPSILON } from "./types.js";

/** (x − mean(all)) / (std(all) + ε) over every entry of the batch; a batch of one entry gives 0. */
function normaliseOverBatch(values_G_N: number[][], epsilon: number): number[][] {
  const values = flatten(values_G_N);
  if (values.length < 2) return values_G_N.map((row) => row.map(() => 0));
  const center = mean(values);
  const spread = sampleStd(values);
  return values_G_N.map((row) => row.map((value) => (value - center) / (spread + epsilon)));
}

/**
 * REINFORCE++ advantage — Hu 2025, arXiv:2501.03262: no critic, no group baseline; the outcome reward is
 * normalised over the whole batch (global advantage normalisation):
 *   Â_i = (r_i − mean_batch(r)) / (std_batch(r) + ε).
 * Normalised over samples (outcome level); verl whitens over response tokens, which weights long
 * responses more — boxed keeps one value per sample and broadcasts it afterwards.
 */
export const reinforcePlusPlusAdvantages: AdvantageEstimator = (rewards_G_N, options) =>
  normaliseOverBatch(rewards_G_N, numberOption(options, "epsilon", DEFAULT_EPSILON, 0));

/**
 * REINFORCE++-baseline — Hu 2025, arXiv:2501.03262 (v3+): subtract the group mean, then normalise over
 * the batch:  a_i = r_i − mean_group(r);  Â_i = (a_i − mean_batch(a)) / (std_batch(a) + ε).
 */
export const reinforcePlusPlusBaselineAdvantages: AdvantageEstimator = (rewards_G_N, options) => {
  const centred_G_N = rewards_G_N.map((rewards_N) => {
    const center = mean(rewards_N);
    return rewards_N.map((reward) => reward - center);
  });
  return normaliseOverBatch(centred_G_N, numberOption(options, "epsilon", DEFAULT_EPSILON, 0));
};
