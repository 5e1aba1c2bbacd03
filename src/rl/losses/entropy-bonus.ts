import { assertBinaryMask, assertMatrix, lookup, numberOption } from "../validate.js";
import { aggregations } from "./aggregation.js";

/**
 * Per-token entropy weights of an entropy bonus aggregated as the loss is (verl
 * `entropy_loss = agg_loss(entropy, response_mask, loss_agg_mode)`; PPO's entropy term, Schulman et
 * al. 2017, arXiv:1707.06347 eq. 9):  L ← L − β·Σ_{s,t} w_s·m[s][t]·H[s][t],  so the engine's
 * e[s][t] = −∂L/∂H[s][t] = β·w_s·m[s][t] with w_s the aggregation's sequence weight. Every token of
 * the mask counts, clipped or zero-advantage ones included, and under token_mean a duplicated batch
 * gets half the weight per token (the bonus is a mean, not a sum). β = `coefficient` ≥ 0.
 *
 * @example entropyWeights([[1, 1, 0]], { coefficient: 0.01 }) // [[0.005, 0.005, 0]]
 */
export function entropyWeights(
  mask_S_T: number[][],
  options: { coefficient: number; aggregation?: string; maxLength?: number },
): number[][] {
  assertMatrix("mask", mask_S_T);
  assertBinaryMask("mask", mask_S_T);
  const record = options as unknown as Record<string, unknown>;
  const coefficient = numberOption(record, "coefficient", 0, 0);
  const aggregation = lookup(aggregations, "options.aggregation", options.aggregation ?? "token_mean");
  const width = mask_S_T.reduce((maximum, row) => Math.max(maximum, row.length), 0);
  const maxLength = numberOption(record, "maxLength", Math.max(width, 1), Number.MIN_VALUE);
  const sequenceWeights_S = aggregation(mask_S_T, maxLength);
  return mask_S_T.map((row, sequence) =>
    row.map((value) => coefficient * sequenceWeights_S[sequence] * value),
  );
}
