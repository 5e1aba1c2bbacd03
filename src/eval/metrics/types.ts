/** One graded response, as the metrics need it. */
export interface ScoredSample {
  correct: boolean;
  /** The extracted answer; null when none was found (also for unclosed reasoning traces). */
  answer: string | null;
  /** Response length in tokens (from the server's usage). */
  completionTokens: number;
  /** Cut by the length limit, or a reasoning trace that never closed `</think>`. */
  truncated: boolean;
}

/** All graded responses to one problem. Failed requests are counted in `errors`, never as wrong answers. */
export interface ScoredProblem {
  problemId: string;
  benchmark: string;
  subject?: string;
  level?: string;
  samples: ScoredSample[];
  errors: number;
}
