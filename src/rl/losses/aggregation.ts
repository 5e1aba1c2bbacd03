import { tokensPerSequence } from "./numerics.js";

/**
 * Loss aggregations: L = Σ_{s,t} w_s·m[s][t]·ℓ[s][t]. Every aggregation here weighs the tokens of one
 * sequence equally, so it is one weight per sequence, `sequenceWeights_S`. Names follow verl's
 * `loss_agg_mode` (`core_algos.agg_loss`). S counts every sequence of the batch, empty ones included
 * (a zero-length response contributes 0); a batch without tokens has all weights 0.
 */
export type Aggregation = (mask_S_T: number[][], maxLength: number) => number[];

/** token_mean — DAPO, arXiv:2503.14476 §3.3: w = 1 / Σ m (every token of the batch weighs the same). */
const tokenMean: Aggregation = (mask_S_T) => {
  const total = tokensPerSequence(mask_S_T).reduce((sum, count) => sum + count, 0);
  return mask_S_T.map(() => (total === 0 ? 0 : 1 / total));
};

/** seq_mean_token_mean — GRPO, arXiv:2402.03300 eq. 3: w_s = 1 / (S·|y_s|) (mean per sequence, then mean). */
const sequenceMeanTokenMean: Aggregation = (mask_S_T) => {
  const sequences = mask_S_T.length;
  return tokensPerSequence(mask_S_T).map((count) => (count === 0 ? 0 : 1 / (sequences * count)));
};

/** seq_mean_token_sum — w = 1 / S (sum per sequence, mean over sequences). */
const sequenceMeanTokenSum: Aggregation = (mask_S_T) => mask_S_T.map(() => 1 / mask_S_T.length);

/**
 * seq_mean_token_sum_norm — Dr. GRPO, arXiv:2503.20783 §3.1: w = 1 / (S·L_max), a constant divisor
 * instead of |y_s|, which removes the length bias. L_max = option maxLength (default: padded width).
 */
const sequenceMeanTokenSumNorm: Aggregation = (mask_S_T, maxLength) =>
  mask_S_T.map(() => 1 / (mask_S_T.length * maxLength));

/** Aggregations by config name (`aggregation`). */
export const aggregations = new Map<string, Aggregation>([
  ["token_mean", tokenMean],
  ["seq_mean_token_mean", sequenceMeanTokenMean],
  ["seq_mean_token_sum", sequenceMeanTokenSum],
  ["seq_mean_token_sum_norm", sequenceMeanTokenSumNorm],
]);
