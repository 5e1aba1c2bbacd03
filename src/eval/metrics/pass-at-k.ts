/**
 * Unbiased pass@k — Chen et al. 2021 (Codex), arXiv:2107.03374, eq. (1):
 *   pass@k = 1 − C(n−c, k) / C(n, k)
 * for n samples of which c are correct, computed as the stable product
 *   1 − ∏_{i=n−c+1}^{n} (1 − k/i)
 * (the paper's numerically stable form). Requires 1 ≤ k ≤ n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`passAtK: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(c) || c < 0 || c > n)
    throw new Error(`passAtK: c must be an integer in [0, n], got ${c}`);
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new Error(`passAtK: k must be an integer in [1, ${n}], got ${k}`);
  if (n - c < k) return 1;
  let failAll = 1;
  for (let i = n - c + 1; i <= n; i++) failAll *= 1 - k / i;
  return 1 - failAll;
}

/** The k values reported for n samples: 1, 2, 4, … up to n, and n itself. */
export function reportedKs(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k <= n; k *= 2) ks.push(k);
  if (n >= 1 && ks[ks.length - 1] !== n) ks.push(n);
  return ks;
}
