/**
 * Numerics pinned for every loss (written down in docs/algorithms.md):
 * - log-ratios are clamped to ±20 before `exp` (as verl), and the clamp stops the gradient;
 * - the k3 KL estimate is clamped to [−10, 10] (as verl's `kl_penalty`).
 * Hot loops run over ~2M tokens per batch, so these helpers allocate nothing per token.
 */
export const LOG_RATIO_LIMIT = 20;
export const K3_LIMIT = 10;

/** clamp(logRatio, ±20); compare the result with the input to know whether the gradient flows. */
export function clampLogRatio(logRatio: number): number {
  if (logRatio > LOG_RATIO_LIMIT) return LOG_RATIO_LIMIT;
  if (logRatio < -LOG_RATIO_LIMIT) return -LOG_RATIO_LIMIT;
  return logRatio;
}

/** Clip bounds of the ratio by the sign of the advantage (NGRPO per-sign ε when set, else ε_low/ε_high). */
export interface ClipBounds {
  lowerPositive: number;
  upperPositive: number;
  lowerNegative: number;
  upperNegative: number;
}

export function resolveBounds(clip: {
  clipLow: number;
  clipHigh: number;
  clipPositive?: number;
  clipNegative?: number;
}): ClipBounds {
  return {
    lowerPositive: clip.clipPositive === undefined ? 1 - clip.clipLow : 1 - clip.clipPositive,
    upperPositive: clip.clipPositive === undefined ? 1 + clip.clipHigh : 1 + clip.clipPositive,
    lowerNegative: clip.clipNegative === undefined ? 1 - clip.clipLow : 1 - clip.clipNegative,
    upperNegative: clip.clipNegative === undefined ? 1 + clip.clipHigh : 1 + clip.clipNegative,
  };
}

/** Creates a zero matrix with the shape of `like`. */
export function zerosLike(like: number[][]): number[][] {
  const zeros: number[][] = new Array(like.length);
  for (let row = 0; row < like.length; row++) zeros[row] = new Array<number>(like[row].length).fill(0);
  return zeros;
}

/** Number of unmasked tokens of each sequence. */
export function tokensPerSequence(mask_S_T: number[][]): number[] {
  const counts = new Array<number>(mask_S_T.length).fill(0);
  for (let sequence = 0; sequence < mask_S_T.length; sequence++) {
    const row = mask_S_T[sequence];
    let count = 0;
    for (let token = 0; token < row.length; token++) count += row[token];
    counts[sequence] = count;
  }
  return counts;
}
