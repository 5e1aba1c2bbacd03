/**
 * Adaptive-Consistency — Aggarwal et al. 2023, arXiv:2305.11860. After each sample, with vote counts
 * v over the observed answers and a uniform prior, stop when P(p_â = max_a p_a | v) ≥ threshold (0.95).
 *  - Beta rule (two answers): with top counts v1 ≥ v2, p ~ Beta(v1+1, v2+1) and
 *    P(p > ½) = 1 − I_½(v1+1, v2+1) = P(Binomial(v1+v2+1, ½) ≤ v1)   (I_x: regularized incomplete beta).
 *  - Dirichlet rule (more answers): p ~ Dir(v+1); P(p_â > every other p_a) by seeded Monte-Carlo
 *    (Gamma(k,1) = −Σ_{i≤k} ln U_i for integer k), memoised by the sorted count vector.
 *  `rule=auto` (default) uses Beta while at most two answers are seen, Dirichlet beyond.
 */
import { seededRandom } from "../../eval/metrics/combinatorics.js";
import {
  canonicalName,
  checkKnown,
  choiceParameter,
  numberParameter,
  type Parameters,
} from "./parameters.js";
import { leadingClusters, tallyVotes } from "./tally.js";
import type { Strategy } from "./types.js";

/** P(Binomial(n, ½) ≤ k). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/** Beta rule on the two largest counts. */
export function betaStopProbability(first: number, second: number): number {
  return binomialHalfCdf(first + second + 1, first);
}

const dirichletCache = new Map<string, number>();
const DIRICHLET_DRAWS = 4000;

/** Dirichlet rule: P(the leading count's category has the largest probability), counts in any order. */
export function dirichletStopProbability(counts: readonly number[]): number {
  const sorted = [...counts].sort((a, b) => b - a);
  const key = sorted.join(",");
  const cached = dirichletCache.get(key);
  if (cached !== undefined) return cached;
  const random = seededRandom(12345);
  const gamma = (shape: number) => {
    let sum = 0;
    for (let i = 0; i < shape; i++) sum -= Math.log(1 - random());
    return sum;
  };
  let wins = 0;
  for (let draw = 0; draw < DIRICHLET_DRAWS; draw++) {
    const leader = gamma((sorted[0] as number) + 1);
    let beaten = false;
    for (let i = 1; i < sorted.length && !beaten; i++) beaten = gamma((sorted[i] as number) + 1) >= leader;
    if (!beaten) wins++;
  }
  const probability = wins / DIRICHLET_DRAWS;
  dirichletCache.set(key, probability);
  return probability;
}

export function adaptiveConsistency(budget: number, parameters: Parameters): Strategy {
  checkKnown("ac", parameters, ["threshold", "rule"]);
  const threshold = numberParameter(parameters, "threshold", 0.95, 0, 1);
  const rule = choiceParameter(parameters, "rule", "auto", ["auto", "beta", "dirichlet"]);
  return {
    name: canonicalName("ac", budget, parameters),
    budget,
    batchSize: 1,
    orderDependent: true,
    features: [],
    stop(traces) {
      if (traces.length >= budget) return "budget";
      const counts = [...tallyVotes(traces).values()];
      if (counts.length === 0) return null;
      const useBeta = rule === "beta" || (rule === "auto" && counts.length <= 2);
      const sorted = counts.sort((a, b) => b - a);
      const probability = useBeta
        ? betaStopProbability(sorted[0] as number, sorted[1] ?? 0)
        : dirichletStopProbability(sorted);
      return probability >= threshold ? "confident" : null;
    },
    select: (traces) => leadingClusters(tallyVotes(traces)),
    votes: (traces) => tallyVotes(traces),
  };
}
