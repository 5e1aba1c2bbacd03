/**
 * Numerics pinned for every loss (written down in docs/algorithms.md):
 * - log-ratios are clamped to ±20 before `exp` (as verl), and the clamp stops the gradient;
 * - the k3 KL estimate is clamped to [−10, 10] (as verl's `kl_penalty`).
 */
export const LOG_RATIO_LIMIT = 20;
export const K3_LIMIT = 10;

/** exp(clamp(logRatio, ±20)) and its derivative with respect to logRatio (0 where clamped). */
export function clampedExp(logRatio: number): { value: number; derivative: number } {
  if (logRatio > LOG_RATIO_LIMIT) return { value: Math.exp(LOG_RATIO_LIMIT), derivative: 0 };
  if (logRatio < -LOG_RATIO_LIMIT) return { value: Math.exp(-LOG_RATIO_LIMIT), derivative: 0 };
  const value = Math.exp(logRatio);
  return { value, derivative: value };
}

/** Bounds of the clipped ratio for a token with advantage `advantage` (NGRPO's per-sign ε when set). */
export function clipBounds(
  advantage: number,
  clip: { clipLow: number; clipHigh: number; clipPositive?: number; clipNegative?: number },
): { lower: number; upper: number } {
  if (advantage > 0 && clip.clipPositive !== undefined) {
    return { lower: 1 - clip.clipPositive, upper: 1 + clip.clipPositive };
  }
  if (advantage < 0 && clip.clipNegative !== undefined) {
    return { lower: 1 - clip.clipNegative, upper: 1 + clip.clipNegative };
  }
  return { lower: 1 - clip.clipLow, upper: 1 + clip.clipHigh };
}

/** Creates a zero matrix with the shape of `like`. */
export function zerosLike(like: number[][]): number[][] {
  return like.map((row) => new Array<number>(row.length).fill(0));
}
