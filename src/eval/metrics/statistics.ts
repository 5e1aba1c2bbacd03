import { seededRandom } from "./combinatorics.js";

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Quantile by linear interpolation between order statistics (Hyndman & Fan 1996, type 7; numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export interface LengthSummary {
  count: number;
  mean: number;
  median: number;
  p90: number;
}

export function summarizeLengths(lengths: readonly number[]): LengthSummary {
  return {
    count: lengths.length,
    mean: mean(lengths),
    median: quantile(lengths, 0.5),
    p90: quantile(lengths, 0.9),
  };
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * Percentile bootstrap confidence interval of a mean (Efron 1979, doi:10.1214/aos/1176344552):
 * resample the per-problem values with replacement `iterations` times, take the mean of each
 * resample, and report the (1−confidence)/2 and (1+confidence)/2 quantiles. Seeded, so reproducible.
 */
export function bootstrapInterval(
  values: readonly number[],
  options: { iterations?: number; confidence?: number; seed?: number } = {},
): Interval {
  if (values.length === 0) return { low: Number.NaN, high: Number.NaN };
  const random = seededRandom(options.seed ?? 12345);
  const iterations = options.iterations ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const means: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    let sum = 0;
    for (let draw = 0; draw < values.length; draw++) sum += values[Math.floor(random() * values.length)];
    means.push(sum / values.length);
  }
  return { low: quantile(means, (1 - confidence) / 2), high: quantile(means, (1 + confidence) / 2) };
}
