/** Why a verdict came out as it did. */
export type GradeReason = "equivalent" | "not_equivalent" | "no_answer" | "unparseable" | "timeout" | "error";

/** The verdict on one response against one gold answer. */
export interface Grade {
  correct: boolean;
  reason: GradeReason;
  /** The answer extracted from the response (null when none was found). */
  predicted: string | null;
  /** The gold answer after extraction (a gold may itself be a solution with a \boxed{}). */
  gold: string | null;
  /** The extraction rule that produced `predicted`, e.g. "boxed", "final_answer_phrase", "last_number". */
  ruleFired: string | null;
  /** Wall time of this grade in milliseconds. */
  ms: number;
}

/** Options named after Math-Verify's so that its test cases read directly. */
export interface GradeOptions {
  /** Relative tolerance exponent for floats: equal when |a-b| <= 10^-precision * max(1,|b|). Default 6. */
  precision?: number;
  /**
   * Variables must match by name: with `false`, a lone differing variable is renamed (`f(x)` = `f(y)`).
   * A named answer `x = 3` still matches a bare `3` either way (as in Math-Verify). Default true.
   */
  strict?: boolean;
  /** Compare a set with a relation/inequality describing it. Default false. */
  allowSetRelationComparison?: boolean;
  /** An answer in degrees on one side also matches its radian measure (`90^\circ` = `\frac{\pi}{2}`). Default false. */
  degreesAsRadians?: boolean;
  /** Which extraction targets are enabled. Default both. */
  matchTypes?: ("latex" | "expr")[];
  /** Per-grade time limit in seconds. Default 5. */
  timeout?: number;
}
