/**
 * The offline analyzer: every strategy's expected accuracy, samples and tokens over many problems'
 * pools of pre-generated traces (expectation.ts), without generating anything. Specs go through the
 * strategy registry; `conformal@…` needs calibration data and goes through CALIBRATED_STRATEGIES.
 */

import type { Parameters } from "../strategies/parameters.js";
import { createStrategy, parseStrategySpec } from "../strategies/registry.js";
import { analyzeConformal } from "./conformal.js";
import { type ExpectationOptions, expectOnPool } from "./expectation.js";
import type { ProblemPool, StrategyResult } from "./types.js";

type CalibratedAnalysis = (
  budget: number,
  parameters: Parameters,
  pools: readonly ProblemPool[],
  options: ExpectationOptions,
) => StrategyResult;

/** Strategies whose parameters are fitted on part of the data (cross-fitted by the analyzer). */
export const CALIBRATED_STRATEGIES: ReadonlyMap<string, CalibratedAnalysis> = new Map([
  ["conformal", analyzeConformal],
]);

export function analyzeStrategy(
  spec: string,
  pools: readonly ProblemPool[],
  options: ExpectationOptions = {},
): StrategyResult {
  if (pools.length === 0) throw new Error("pools: no problems to analyze");
  const parsed = parseStrategySpec(spec);
  const calibrated = CALIBRATED_STRATEGIES.get(parsed.name);
  if (calibrated) return calibrated(parsed.budget, parsed.parameters, pools, options);
  const strategy = createStrategy(spec);
  const total = { samples: 0, tokens: 0 };
  const accuracies: number[] = [];
  let exact = true;
  for (const pool of pools) {
    const outcome = expectOnPool(strategy, pool.traces, options);
    exact &&= outcome.exact;
    accuracies.push(outcome.accuracy);
    total.samples += outcome.samples;
    total.tokens += outcome.tokens;
  }
  const accuracy = accuracies.reduce((sum, value) => sum + value, 0) / pools.length;
  return {
    strategy: strategy.name,
    accuracy,
    avgSamples: total.samples / pools.length,
    avgTokens: total.tokens / pools.length,
    method: exact ? "exact" : "monte-carlo",
    accuracyInterval: meanInterval(accuracies, accuracy),
  };
}

/** Normal-approximation 95% interval of a mean over problems: mean ± 1.96·s/√P, clipped to [0, 1]. */
export function meanInterval(values: readonly number[], mean: number): { low: number; high: number } {
  if (values.length < 2) return { low: mean, high: mean };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  const half = 1.96 * Math.sqrt(variance / values.length);
  return { low: Math.max(0, mean - half), high: Math.min(1, mean + half) };
}

export function analyzeStrategies(
  specs: readonly string[],
  pools: readonly ProblemPool[],
  options: ExpectationOptions = {},
): StrategyResult[] {
  return specs.map((spec) => analyzeStrategy(spec, pools, options));
}
