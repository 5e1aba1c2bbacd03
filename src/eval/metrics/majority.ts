import { hypergeometric, seededRandom } from "./combinatorics.js";

/**
 * Majority voting (self-consistency, Wang et al. 2022, arXiv:2203.11171) over answers already
 * clustered by equivalence (`clusterAnswers`): `clusters[i]` is sample i's cluster id, −1 for no
 * answer; `clusterCorrect[id]` says whether cluster `id` is the gold answer.
 */
export interface Votes {
  clusters: readonly number[];
  clusterCorrect: readonly boolean[];
}

/** Credit of one vote: tied top clusters share it evenly → (correct clusters among the top) / (top count). */
function voteCredit(counts: readonly number[], clusterCorrect: readonly boolean[]): number {
  const top = Math.max(0, ...counts);
  if (top === 0) return 0;
  let tied = 0;
  let correct = 0;
  counts.forEach((count, id) => {
    if (count === top) {
      tied++;
      if (clusterCorrect[id]) correct++;
    }
  });
  return correct / tied;
}

/** The per-problem prediction: the largest cluster, ties broken by first appearance (lowest id); −1 if none. */
export function majorityCluster(clusters: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const id of clusters) if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
  let best = -1;
  for (const [id, count] of counts) {
    const bestCount = counts.get(best) ?? 0;
    if (count > bestCount || (count === bestCount && id < best)) best = id;
  }
  return best;
}

/** Vote credit on all samples (maj@n), with tie credit sharing. */
export function majorityCredit(votes: Votes): number {
  const counts = new Array<number>(votes.clusterCorrect.length).fill(0);
  for (const id of votes.clusters) if (id >= 0) counts[id]++;
  return voteCredit(counts, votes.clusterCorrect);
}

type State = { remaining: number; top: number; tied: number; correctTied: number; probability: number };

/**
 * Expected maj@k over all C(n, k) subsets of size k, exactly, by dynamic programming over clusters:
 * the number drawn from each cluster is hypergeometric given what is left, and a state keeps
 * (samples left to draw, top count so far, clusters tied at the top, correct ones among them).
 * Falls back to seeded Monte Carlo (`draws` subsets) when the state space would be too large.
 */
export function expectedMajorityAtK(
  votes: Votes,
  k: number,
  options: { draws?: number; seed?: number } = {},
): number {
  const n = votes.clusters.length;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new Error(`expectedMajorityAtK: k must be in [1, ${n}], got ${k}`);
  if (k === n) return majorityCredit(votes);
  const sizes = new Array<number>(votes.clusterCorrect.length).fill(0);
  for (const id of votes.clusters) if (id >= 0) sizes[id]++;
  if (sizes.length * k * k * k > 4_000_000) return monteCarloMajority(votes, k, options);
  let states = new Map<string, State>([
    ["k", { remaining: k, top: 0, tied: 0, correctTied: 0, probability: 1 }],
  ]);
  let left = n;
  sizes.forEach((size, id) => {
    const next = new Map<string, State>();
    for (const state of states.values()) {
      for (let drawn = 0; drawn <= Math.min(size, state.remaining); drawn++) {
        const probability = state.probability * hypergeometric(left, size, state.remaining, drawn);
        if (probability === 0) continue;
        const correct = votes.clusterCorrect[id] ? 1 : 0;
        let { top, tied, correctTied } = state;
        if (drawn > top) [top, tied, correctTied] = [drawn, 1, correct];
        else if (drawn === top && drawn > 0) [tied, correctTied] = [tied + 1, correctTied + correct];
        const remaining = state.remaining - drawn;
        const key = `${remaining},${top},${tied},${correctTied}`;
        const existing = next.get(key);
        if (existing) existing.probability += probability;
        else next.set(key, { remaining, top, tied, correctTied, probability });
      }
    }
    left -= size;
    states = next;
  });
  // Whatever is still to draw comes from the no-answer samples, which carry no vote.
  let expected = 0;
  for (const state of states.values())
    if (state.tied > 0) expected += (state.probability * state.correctTied) / state.tied;
  return expected;
}

function monteCarloMajority(votes: Votes, k: number, options: { draws?: number; seed?: number }): number {
  const random = seededRandom(options.seed ?? 0);
  const draws = options.draws ?? 4000;
  const indices = votes.clusters.map((_, index) => index);
  let total = 0;
  for (let draw = 0; draw < draws; draw++) {
    // Partial Fisher–Yates: the first k positions are a uniform k-subset.
    for (let position = 0; position < k; position++) {
      const swap = position + Math.floor(random() * (indices.length - position));
      [indices[position], indices[swap]] = [indices[swap], indices[position]];
    }
    const counts = new Array<number>(votes.clusterCorrect.length).fill(0);
    for (let position = 0; position < k; position++) {
      const id = votes.clusters[indices[position]];
      if (id >= 0) counts[id]++;
    }
    total += voteCredit(counts, votes.clusterCorrect);
  }
  return total / draws;
}
