/**
 * Weighted vote tallies over answer clusters. A trace without an answer (cluster -1) never votes.
 * Self-consistency — Wang et al. 2022, arXiv:2203.11171: â = argmax_a Σ_i w_i · 1[a_i = a]
 * (w_i = 1 for the plain majority vote).
 */
import type { Trace } from "./types.js";

/** Relative tolerance under which two weighted tallies count as tied. */
const TIE_TOLERANCE = 1e-9;

export type TraceWeight = (trace: Trace) => number;

/** Σ of weights per cluster, in order of first appearance. */
export function tallyVotes(traces: readonly Trace[], weightOf: TraceWeight = () => 1): Map<number, number> {
  const votes = new Map<number, number>();
  for (const trace of traces) {
    if (trace.cluster < 0) continue;
    votes.set(trace.cluster, (votes.get(trace.cluster) ?? 0) + weightOf(trace));
  }
  return votes;
}

/** Clusters whose tally equals the maximum (several on a tie; empty when nobody voted). */
export function leadingClusters(votes: ReadonlyMap<number, number>): number[] {
  let best = Number.NEGATIVE_INFINITY;
  for (const weight of votes.values()) best = Math.max(best, weight);
  const tolerance = TIE_TOLERANCE * Math.max(1, Math.abs(best));
  return [...votes].filter(([, weight]) => weight >= best - tolerance).map(([cluster]) => cluster);
}

/** The two largest tallies, descending (0 where missing). */
export function topTwo(votes: ReadonlyMap<number, number>): [number, number] {
  let first = 0;
  let second = 0;
  for (const weight of votes.values()) {
    if (weight > first) {
      second = first;
      first = weight;
    } else if (weight > second) second = weight;
  }
  return [first, second];
}

/** The leading cluster's share of all voting weight (0 when nobody voted). */
export function leadingShare(votes: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const weight of votes.values()) total += weight;
  return total > 0 ? topTwo(votes)[0] / total : 0;
}
