/**
 * Expected accuracy, samples and tokens of a strategy on one problem's pool of n pre-generated traces,
 * as if the strategy had drawn its samples from the pool uniformly without replacement.
 *  - Order-free strategies (draw k, then vote): mean over all C(n,k) subsets — exact, or seeded
 *    Monte-Carlo over random subsets when C(n,k) exceeds the enumeration limit.
 *  - Order-dependent strategies (early stopping): a depth-first walk over ordered prefixes, each of
 *    probability (n−m)!/n! at depth m; a branch ends where the strategy stops — exact, or seeded
 *    Monte-Carlo over random orderings when n!/(n−k)! exceeds the limit.
 * Scoring (the same for all): when the selected top answers tie, the outcome is the fraction of the
 * tied clusters that are correct; a cluster's correctness is the mean label of its traces in the pool.
 */
import { seededRandom } from "../../eval/metrics/combinatorics.js";
import type { Strategy, Trace } from "../strategies/types.js";
import type { Expectation, PoolTrace } from "./types.js";

export interface ExpectationOptions {
  /** Most subsets/orderings enumerated exactly before switching to Monte-Carlo. Default 200 000. */
  enumerationLimit?: number;
  /** Monte-Carlo draws per problem. Default 2000. */
  draws?: number;
  seed?: number;
}

export interface PoolExpectation extends Expectation {
  exact: boolean;
}

/** Correctness per cluster id: mean label of the pool's traces in it. */
export function clusterCorrectness(traces: readonly PoolTrace[]): Map<number, number> {
  const sums = new Map<number, [number, number]>();
  for (const trace of traces) {
    if (trace.cluster < 0) continue;
    const [sum, count] = sums.get(trace.cluster) ?? [0, 0];
    sums.set(trace.cluster, [sum + trace.correct, count + 1]);
  }
  return new Map([...sums].map(([cluster, [sum, count]]) => [cluster, sum / count]));
}

/** Outcome of a selection: mean correctness of the tied winners (0 when there is none). */
export function selectionScore(winners: readonly number[], correctness: ReadonlyMap<number, number>): number {
  if (winners.length === 0) return 0;
  let sum = 0;
  for (const cluster of winners) sum += correctness.get(cluster) ?? 0;
  return sum / winners.length;
}

function fallingFactorial(n: number, k: number): number {
  let product = 1;
  for (let i = 0; i < k; i++) product *= n - i;
  return product;
}

function binomial(n: number, k: number): number {
  return fallingFactorial(n, k) / fallingFactorial(k, k);
}

export function expectOnPool(
  strategy: Strategy,
  traces: readonly PoolTrace[],
  options: ExpectationOptions = {},
): PoolExpectation {
  const { enumerationLimit = 200_000, draws = 2000, seed = 0 } = options;
  if (strategy.budget > traces.length) {
    throw new Error(
      `strategy ${strategy.name}: needs ${strategy.budget} samples per problem, the pool has ${traces.length}`,
    );
  }
  const correctness = clusterCorrectness(traces);
  const outcomes = strategy.orderDependent
    ? fallingFactorial(traces.length, strategy.budget)
    : binomial(traces.length, strategy.budget);
  if (outcomes <= enumerationLimit) {
    const walk = strategy.orderDependent ? walkOrderings : walkSubsets;
    return { ...walk(strategy, traces, correctness), exact: true };
  }
  return { ...monteCarlo(strategy, traces, correctness, draws, seed), exact: false };
}

/** Runs the strategy over traces in this order until it stops; returns what it saw. */
function playOrder(strategy: Strategy, ordered: readonly Trace[]): Trace[] {
  const seen: Trace[] = [];
  for (const trace of ordered) {
    seen.push(trace);
    if (strategy.stop(seen) !== null) break;
  }
  return seen;
}

function outcomeOf(
  strategy: Strategy,
  seen: readonly Trace[],
  correctness: ReadonlyMap<number, number>,
): Expectation {
  let tokens = 0;
  for (const trace of seen) tokens += trace.tokens;
  return { accuracy: selectionScore(strategy.select(seen), correctness), samples: seen.length, tokens };
}

function walkSubsets(
  strategy: Strategy,
  traces: readonly PoolTrace[],
  correctness: ReadonlyMap<number, number>,
): Expectation {
  const total: Expectation = { accuracy: 0, samples: 0, tokens: 0 };
  let count = 0;
  const chosen: Trace[] = [];
  const visit = (start: number) => {
    if (chosen.length === strategy.budget) {
      const outcome = outcomeOf(strategy, chosen, correctness);
      total.accuracy += outcome.accuracy;
      total.samples += outcome.samples;
      total.tokens += outcome.tokens;
      count++;
      return;
    }
    for (let i = start; i <= traces.length - (strategy.budget - chosen.length); i++) {
      chosen.push(traces[i] as Trace);
      visit(i + 1);
      chosen.pop();
    }
  };
  visit(0);
  return { accuracy: total.accuracy / count, samples: total.samples / count, tokens: total.tokens / count };
}

function walkOrderings(
  strategy: Strategy,
  traces: readonly PoolTrace[],
  correctness: ReadonlyMap<number, number>,
): Expectation {
  const total: Expectation = { accuracy: 0, samples: 0, tokens: 0 };
  const used = new Array<boolean>(traces.length).fill(false);
  const seen: Trace[] = [];
  let tokensSeen = 0;
  const visit = (probability: number) => {
    const branch = probability / (traces.length - seen.length);
    for (let i = 0; i < traces.length; i++) {
      if (used[i]) continue;
      const trace = traces[i] as Trace;
      used[i] = true;
      seen.push(trace);
      tokensSeen += trace.tokens;
      if (strategy.stop(seen) !== null) {
        total.accuracy += branch * selectionScore(strategy.select(seen), correctness);
        total.samples += branch * seen.length;
        total.tokens += branch * tokensSeen;
      } else visit(branch);
      tokensSeen -= trace.tokens;
      seen.pop();
      used[i] = false;
    }
  };
  visit(1);
  return total;
}

function monteCarlo(
  strategy: Strategy,
  traces: readonly PoolTrace[],
  correctness: ReadonlyMap<number, number>,
  draws: number,
  seed: number,
): Expectation {
  const random = seededRandom(seed);
  const total: Expectation = { accuracy: 0, samples: 0, tokens: 0 };
  const order = [...traces];
  for (let draw = 0; draw < draws; draw++) {
    // Fisher–Yates shuffle of the first `budget` positions is enough for both cases.
    for (let i = 0; i < strategy.budget; i++) {
      const j = i + Math.floor(random() * (order.length - i));
      [order[i], order[j]] = [order[j] as PoolTrace, order[i] as PoolTrace];
    }
    const prefix = order.slice(0, strategy.budget);
    const outcome = outcomeOf(
      strategy,
      strategy.orderDependent ? playOrder(strategy, prefix) : prefix,
      correctness,
    );
    total.accuracy += outcome.accuracy;
    total.samples += outcome.samples;
    total.tokens += outcome.tokens;
  }
  return { accuracy: total.accuracy / draws, samples: total.samples / draws, tokens: total.tokens / draws };
}
