/**
 * The test-time strategy interface. A strategy sees the traces finished so far (in the order they
 * arrived), decides whether to stop, and selects the final answer cluster(s). It is pure: the
 * analyzer replays it over pre-generated pools and the online runner drives it with a live sampler.
 *
 * Example:
 *   const strategy = createStrategy("esc@8,window=4");
 *   strategy.stop(traces)   // → "window-agreed" | null
 *   strategy.select(traces) // → [winning cluster ids] (several on a tie)
 */

/** One finished sample as a strategy sees it. `cluster` is the answer's equivalence class (-1: no answer). */
export interface Trace {
  cluster: number;
  /** Completion tokens spent on this trace. */
  tokens: number;
  /** Numeric features a strategy may weigh by: `reward`, `meanLogprob`, `lowestGroupConfidence`, `tailConfidence`, … */
  features: Readonly<Record<string, number>>;
}

/** Why a strategy stopped sampling. `budget` means it used every sample it was allowed. */
export type StrategyStopReason = string;

export interface Strategy {
  /** Canonical name with parameters, e.g. `maj@8`, `esc@8,window=4`. */
  readonly name: string;
  /** The most samples it will ever draw. */
  readonly budget: number;
  /** How many samples to request at once (ESC draws a window at a time; voting draws all). */
  readonly batchSize: number;
  /** True when the stop rule depends on the arrival order (the analyzer then averages over orderings). */
  readonly orderDependent: boolean;
  /**
   * The trace features it reads (`reward`, `meanLogprob`, `lowestGroupConfidence`, …): declared, so an
   * online runner knows to ask for log-probs or a scorer (see `needsLogprobs`) without guessing from names.
   */
  readonly features: readonly string[];
  /** Called after each finished trace; a reason to stop now, or null to go on. Never called past `budget`. */
  stop(traces: readonly Trace[]): StrategyStopReason | null;
  /** The winning cluster ids (ties give several; none when no trace has an answer). */
  select(traces: readonly Trace[]): number[];
  /** Per-cluster vote weights behind `select`, for reporting (`boxed` field of the proxy). */
  votes(traces: readonly Trace[]): Map<number, number>;
}

/** Builds a strategy from its budget and `key=value` parameters (all strings, parsed by the factory). */
export type StrategyFactory = (budget: number, parameters: Readonly<Record<string, string>>) => Strategy;
