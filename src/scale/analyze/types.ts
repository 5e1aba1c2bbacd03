import type { Trace } from "../strategies/types.js";

/** A pre-generated trace with its correctness (1 correct, 0 wrong; a peer's label may be fractional). */
export interface PoolTrace extends Trace {
  correct: number;
}

/** All pre-generated traces of one problem. */
export interface ProblemPool {
  problemId: string;
  traces: PoolTrace[];
  /** Traces whose `tokens` are estimates (characters / 4, or an n > 1 usage shared out by length). */
  estimatedTokens?: number;
}

/** Expected outcome of one strategy on one problem (or averaged over problems). */
export interface Expectation {
  accuracy: number;
  samples: number;
  tokens: number;
}

/** One row of the analyzer's table (`--json` prints these). */
export interface StrategyResult {
  strategy: string;
  accuracy: number;
  avgSamples: number;
  avgTokens: number;
  /** "exact" (all subsets/orderings enumerated) or "monte-carlo" (seeded resampling). */
  method: "exact" | "monte-carlo";
  /** 95% interval of `accuracy` over problems: mean ± 1.96·s/√P (s: std of per-problem accuracies). */
  accuracyInterval?: { low: number; high: number };
  /** Extra facts, e.g. the conformally fitted thresholds per fold. */
  notes?: string;
}
