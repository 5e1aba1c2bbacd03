const logFactorials: number[] = [0];

/** ln(n!) from a growing table of sums of logs (exact up to float rounding). */
export function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1] + Math.log(i));
  return logFactorials[n];
}

/** ln C(n, k); −∞ when k is outside [0, n]. */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** Hypergeometric probability of drawing `drawn` of `size` marked items when drawing `draws` of `total`. */
export function hypergeometric(total: number, size: number, draws: number, drawn: number): number {
  return Math.exp(logChoose(size, drawn) + logChoose(total - size, draws - drawn) - logChoose(total, draws));
}

/** Mulberry32, a small seeded PRNG (uniform in [0, 1)) so that bootstrap and Monte Carlo are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
