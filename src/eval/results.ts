import type { ToolMetrics } from "../tools/metrics.js";
import type { BenchmarkMetrics } from "./metrics/summary.js";
import type { RequestFailure } from "./run-sampling.js";

/** Version of results.json's layout; bump on any change of field names or meanings. */
export const RESULTS_SCHEMA_VERSION = 1;

export interface BenchmarkResult extends BenchmarkMetrics {
  /** Requests that failed for good in the last run (their samples are missing; rerun to retry). */
  failures: RequestFailure[];
  /** Runs with tools (`boxed eval --tools`): calls per sample, error rate, accuracy with/without calls. */
  tools?: ToolMetrics;
  /** Samples whose completion tokens are estimates (n > 1 usage shared out by text length), not counts. */
  estimatedTokenSamples: number;
}

/**
 * results.json. `benchmarks[name].metrics` holds `pass@k`, `maj@k`, `avg@n` as fractions in [0, 1];
 * `intervals` their bootstrap 95% CIs; lengths are in `lengthUnit` (tokens from the server's usage,
 * or characters when scoring files that carry no usage).
 */
export interface EvalResults {
  schema: "boxed.eval.results";
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  createdAt: string;
  lengthUnit: "tokens" | "characters";
  config: Record<string, unknown>;
  benchmarks: Record<string, BenchmarkResult>;
}

export function buildResults(
  config: Record<string, unknown>,
  benchmarks: Record<string, BenchmarkResult>,
  lengthUnit: EvalResults["lengthUnit"],
): EvalResults {
  return {
    schema: "boxed.eval.results",
    schemaVersion: RESULTS_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    lengthUnit,
    config,
    benchmarks,
  };
}
