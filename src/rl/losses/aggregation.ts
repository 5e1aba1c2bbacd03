/**
 * Loss aggregations as per-token weights: L = Σ_{s,t} w[s][t]·ℓ[s][t], w = 0 where the mask is 0.
 * Names follow verl's `loss_agg_mode` (`core_algos.agg_loss`). S counts every sequence of the batch,
 * empty ones included (a zero-length response contributes 0); a batch without tokens has all w = 0.
 */
export type Aggregation = (mask_S_T: number[][], maxLength: number) => number[][];

function tokensPerSequence(mask_S_T: number[][]): number[] {
  return mask_S_T.map((row) => row.reduce((sum, value) => sum + value, 0));
}

/** token_mean — DAPO, arXiv:2503.14476 §3.3: w = m / Σ m (every token of the batch weighs the same). */
const tokenMean: Aggregation = (mask_S_T) => {
  const total = tokensPerSequence(mask_S_T).reduce((sum, count) => sum + count, 0);
  return mask_S_T.map((row) => row.map((value) => (total === 0 ? 0 : value / total)));
};

/** seq_mean_token_mean — GRPO, arXiv:2402.03300 eq. 3: w = m / (S·|y_s|) (mean per sequence, then mean). */
const sequenceMeanTokenMean: Aggregation = (mask_S_T) => {
  const counts = tokensPerSequence(mask_S_T);
  const sequences = mask_S_T.length;
  return mask_S_T.map((row, sequence) =>
    row.map((value) => (counts[sequence] === 0 ? 0 : value / (sequences * counts[sequence]))),
  );
};

/** seq_mean_token_sum — w = m / S (sum per sequence, mean over sequences). */
const sequenceMeanTokenSum: Aggregation = (mask_S_T) => {
  const sequences = mask_S_T.length;
  return mask_S_T.map((row) => row.map((value) => value / sequences));
};

/**
 * seq_mean_token_sum_norm — Dr. GRPO, arXiv:2503.20783 §3.1: w = m / (S·L_max), a constant divisor
 * instead of |y_s|, which removes the length bias. L_max = option maxLength (default: padded width).
 */
const sequenceMeanTokenSumNorm: Aggregation = (mask_S_T, maxLength) => {
  const sequences = mask_S_T.length;
  return mask_S_T.map((row) => row.map((value) => value / (sequences * maxLength)));
};

/** Aggregations by config name (`aggregation`). */
export const aggregations = new Map<string, Aggregation>([
  ["token_mean", tokenMean],
  ["seq_mean_token_mean", sequenceMeanTokenMean],
  ["seq_mean_token_sum", sequenceMeanTokenSum],
  ["seq_mean_token_sum_norm", sequenceMeanTokenSumNorm],
]);
