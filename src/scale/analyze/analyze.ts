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
  const total = { accuracy: 0, samples: 0, tokens: 0 };
  let exact = true;
  for (const pool of pools) {
    const outcome = expectOnPool(strategy, pool.traces, options);
    exact &&= outcome.exact;
    total.accuracy += outcome.accuracy;
    total.samples += outcome.samples;
    total.tokens += outcome.tokens;
  }
  return {
    strategy: strategy.name,
    accuracy: total.accuracy / pools.length,
    avgSamples: total.samples / pools.length,
    avgTokens: total.tokens / pools.length,
    method: exact ? "exact" : "monte-carlo",
  };
}

export function analyzeStrategies(
  specs: readonly string[],
  pools: readonly ProblemPool[],
  options: ExpectationOptions = {},
): StrategyResult[] {
  return specs.map((spec) => analyzeStrategy(spec, pools, options));
}
