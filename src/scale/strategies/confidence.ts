/**
 * DeepConf trace confidence — Fu et al. 2025, "Deep Think with Confidence", arXiv:2508.15260.
 *  token confidence  C_t = −(1/k) Σ_{j=1..k} log P_t(j)     over the k top alternatives at step t
 *  group confidence  C_G(t) = (1/|G_t|) Σ_{s∈G_t} C_s        G_t = the `window` tokens ending at t
 *  lowest group      min_t C_G(t) over full windows;  bottom-η% group = mean of the lowest η% of C_G
 *  tail              mean C_t over the last `tail` tokens
 * High confidence = peaked distributions. The paper uses window 2048 and tail 2048 on long traces.
 */

import { quantile } from "../../eval/metrics/statistics.js";

export interface ConfidenceOptions {
  /** Sliding window size in tokens. Default 2048 (the paper's). */
  window?: number;
  /** Tail length in tokens. Default 2048. */
  tail?: number;
  /** Fraction of lowest groups averaged for `bottomGroupConfidence`. Default 0.1. */
  bottomFraction?: number;
}

/** C_t from the top-k log-probs of one step. */
export function tokenConfidence(topLogprobs: readonly number[]): number {
  if (topLogprobs.length === 0)
    throw new Error("topLogprobs: empty at a step (ask the server for top_logprobs ≥ 1)");
  let sum = 0;
  for (const logprob of topLogprobs) sum += logprob;
  return -sum / topLogprobs.length;
}

/** C_G(t) for every t (for t < window the group is the prefix so far). */
export function groupConfidences(tokenConfidences_T: readonly number[], window: number): number[] {
  if (!(window >= 1)) throw new Error(`window: must be ≥ 1, got ${window}`);
  const groups: number[] = [];
  let sum = 0;
  for (let t = 0; t < tokenConfidences_T.length; t++) {
    sum += tokenConfidences_T[t] as number;
    if (t >= window) sum -= tokenConfidences_T[t - window] as number;
    groups.push(sum / Math.min(t + 1, window));
  }
  return groups;
}

/** The DeepConf features of one trace, named as `Trace.features` expects. */
export function traceConfidence(
  topLogprobs_T: readonly (readonly number[])[],
  options: ConfidenceOptions = {},
): Record<string, number> {
  const { window = 2048, tail = 2048, bottomFraction = 0.1 } = options;
  const tokens_T = topLogprobs_T.map(tokenConfidence);
  if (tokens_T.length === 0) return {};
  // Only full windows count (a short prefix is too noisy to judge); a trace shorter than one window
  // is a single group.
  const groups = groupConfidences(tokens_T, window).slice(Math.min(window, tokens_T.length) - 1);
  const sorted = [...groups].sort((a, b) => a - b);
  const bottom = sorted.slice(0, Math.max(1, Math.ceil(bottomFraction * sorted.length)));
  const tailTokens = tokens_T.slice(-tail);
  return {
    lowestGroupConfidence: sorted[0] as number,
    bottomGroupConfidence: mean(bottom),
    tailConfidence: mean(tailTokens),
    meanConfidence: mean(tokens_T),
  };
}

/**
 * Streaming group confidence for DeepConf online: push each step's top-k log-probs, read the
 * current C_G. Once `window` tokens are in, a trace whose C_G falls below the threshold is aborted.
 */
export class RunningGroupConfidence {
  private readonly recent: number[] = [];
  private sum = 0;
  private lowest = Number.POSITIVE_INFINITY;
  constructor(readonly window: number) {
    if (!(window >= 1)) throw new Error(`window: must be ≥ 1, got ${window}`);
  }
  /** Adds one step; returns the current group confidence. */
  push(topLogprobs: readonly number[]): number {
    const confidence = tokenConfidence(topLogprobs);
    this.recent.push(confidence);
    this.sum += confidence;
    if (this.recent.length > this.window) this.sum -= this.recent.shift() as number;
    const group = this.sum / this.recent.length;
    if (this.full) this.lowest = Math.min(this.lowest, group);
    return group;
  }
  /** True once a whole window has been seen (before that a group is too short to judge). */
  get full(): boolean {
    return this.recent.length >= this.window;
  }
  /** Lowest full-window group confidence so far (+∞ before the first full window). */
  get lowestGroup(): number {
    return this.lowest;
  }
}

/**
 * DeepConf online threshold from warm-up traces: s = Percentile_{100−η}(lowest group confidences),
 * so that keeping traces with C ≥ s keeps the top η% of the warm-up (η = 0.1 "DeepConf-low",
 * η = 0.9 "DeepConf-high").
 */
export function confidenceThreshold(warmupLowestGroups: readonly number[], keepFraction: number): number {
  if (warmupLowestGroups.length === 0) throw new Error("warmupLowestGroups: need at least one warm-up trace");
  if (!(keepFraction > 0 && keepFraction <= 1))
    throw new Error(`keepFraction: must be in (0, 1], got ${keepFraction}`);
  return quantile(warmupLowestGroups, 1 - keepFraction);
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
