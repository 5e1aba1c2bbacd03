/**
 * Conformally calibrated early stopping (ATTS-style: a stopping threshold fitted on a calibration
 * split for a target error rate). We use conformal risk control — Angelopoulos et al. 2022,
 * arXiv:2208.02814: for a loss L(λ) non-increasing in the threshold λ, bounded by B = 1, pick
 *   λ̂ = inf{ λ : (n/(n+1))·R̂_n(λ) + B/(n+1) ≤ α },  R̂_n = mean calibration loss,
 * which guarantees E[L_test(λ̂)] ≤ α. The loss is label-free: L = 1 − P(the early answer is one of
 * the full-budget answers), so calibration needs no gold answers. Folds are cross-fitted: each fold's
 * threshold is fitted on the other folds and evaluated on it, so every problem is scored once.
 */
import { seededRandom } from "../../eval/metrics/combinatorics.js";
import { checkKnown, choiceParameter, numberParameter, type Parameters } from "../strategies/parameters.js";
import { earlyStop } from "../strategies/stopping.js";
import { leadingClusters, tallyVotes } from "../strategies/tally.js";
import { traceWeight } from "../strategies/weights.js";
import { type ExpectationOptions, expectOnPool } from "./expectation.js";
import type { ProblemPool, StrategyResult } from "./types.js";

/** Smallest λ (scanning down from the strictest) such that it and every stricter λ meet the bound. */
export function fitRiskThreshold(
  candidates: readonly number[],
  riskAt: (threshold: number) => number,
  alpha: number,
  calibrationSize: number,
): number {
  const ascending = [...candidates].sort((a, b) => a - b);
  let chosen = ascending[ascending.length - 1] as number;
  for (let i = ascending.length - 1; i >= 0; i--) {
    const threshold = ascending[i] as number;
    const bound = (calibrationSize / (calibrationSize + 1)) * riskAt(threshold) + 1 / (calibrationSize + 1);
    if (bound > alpha) break;
    chosen = threshold;
  }
  return chosen;
}

/** The pool relabelled for calibration: a trace is "correct" when its cluster wins the full-budget vote. */
function agreementPool(pool: ProblemPool, weight: string): ProblemPool {
  const winners = new Set(leadingClusters(tallyVotes(pool.traces, traceWeight(weight))));
  return {
    ...pool,
    traces: pool.traces.map((trace) => ({ ...trace, correct: winners.has(trace.cluster) ? 1 : 0 })),
  };
}

function candidateThresholds(rule: string, weight: string, budget: number): number[] {
  const values: number[] = [];
  if (rule === "share")
    for (let share = 0.5; share <= 1.0001; share += 0.025) values.push(Number(share.toFixed(3)));
  else if (weight === "count") for (let margin = 1; margin <= budget; margin++) values.push(margin);
  // Weighted margins: a σ(reward) vote is below 1, so margins past 3 mean "three unanimous votes".
  else for (let margin = 0.5; margin <= 3 + 1e-9; margin += 0.05) values.push(Number(margin.toFixed(2)));
  return values;
}

/** `conformal@N,alpha=α[,rule=margin|share][,weight=W][,folds=F][,seed=S]` evaluated by cross-fitting. */
export function analyzeConformal(
  budget: number,
  parameters: Parameters,
  pools: readonly ProblemPool[],
  options: ExpectationOptions = {},
): StrategyResult {
  checkKnown("conformal", parameters, ["alpha", "rule", "weight", "folds", "seed"]);
  const alpha = numberParameter(parameters, "alpha", 0.05, 0, 1);
  const rule = choiceParameter(parameters, "rule", "margin", ["margin", "share"]);
  const weight = parameters.weight ?? "count";
  const folds = numberParameter(parameters, "folds", 2, 2, Math.max(2, pools.length));
  const random = seededRandom(numberParameter(parameters, "seed", 0, 0, 2 ** 31));
  const foldOf = pools.map((_, index) => index % folds);
  for (let i = foldOf.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [foldOf[i], foldOf[j]] = [foldOf[j] as number, foldOf[i] as number];
  }
  const strategyAt = (threshold: number) =>
    earlyStop(budget, { [rule]: String(threshold), weight, min: "1" });
  const total = { accuracy: 0, samples: 0, tokens: 0 };
  const fitted: number[] = [];
  let exact = true;
  for (let fold = 0; fold < folds; fold++) {
    const calibration = pools
      .filter((_, index) => foldOf[index] !== fold)
      .map((pool) => agreementPool(pool, weight));
    const riskAt = (threshold: number) => {
      const strategy = strategyAt(threshold);
      let risk = 0;
      for (const pool of calibration) risk += 1 - expectOnPool(strategy, pool.traces, options).accuracy;
      return risk / calibration.length;
    };
    const threshold = fitRiskThreshold(
      candidateThresholds(rule, weight, budget),
      riskAt,
      alpha,
      calibration.length,
    );
    fitted.push(threshold);
    const strategy = strategyAt(threshold);
    for (const [index, pool] of pools.entries()) {
      if (foldOf[index] !== fold) continue;
      const outcome = expectOnPool(strategy, pool.traces, options);
      exact &&= outcome.exact;
      total.accuracy += outcome.accuracy;
      total.samples += outcome.samples;
      total.tokens += outcome.tokens;
    }
  }
  const name = `conformal@${budget}${Object.entries(parameters)
    .map(([key, value]) => `,${key}=${value}`)
    .join("")}`;
  return {
    strategy: name,
    accuracy: total.accuracy / pools.length,
    avgSamples: total.samples / pools.length,
    avgTokens: total.tokens / pools.length,
    method: exact ? "exact" : "monte-carlo",
    notes: `fitted ${rule} per fold: ${fitted.join(", ")}`,
  };
}
