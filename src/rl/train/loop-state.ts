import type { Problem } from "../../data/types.js";
import type { PassRateState } from "../select/curriculum.js";
import type { ReplayBuffer } from "../select/replay-buffer.js";
import type { TrainingSequence } from "./batch.js";

/**
 * What the loop carries from one step to the next beyond the weights: per-prompt histories that some
 * algorithms need. Plain JSON, saved with every checkpoint, so `--resume` continues bit for bit.
 * Only the parts the config uses are filled.
 */
export interface LoopState {
  /** State of a stateful advantage estimator (SPO's per-prompt Beta tracker). */
  advantage?: unknown;
  /** HAPO: the shortest correct response length seen so far, per prompt key. */
  hapoHistory?: Record<string, number>;
  /** Curriculum: the pass rate of each prompt seen so far. */
  passRates?: PassRateState;
  /** Selective sample replay: sequences with non-zero advantage from earlier steps. */
  replay?: ReplayBuffer<TrainingSequence>;
}

/**
 * The key under which a prompt's history is kept: its question text. Training problem ids carry the
 * step they were drawn at, so the same question drawn twice has two ids but one key.
 */
export function problemKey(problem: Problem): string {
  return problem.question;
}
