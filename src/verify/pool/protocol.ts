import type { Grade, GradeOptions } from "../types.js";

/** One grading job: a gold answer (or a solution holding one), a response, and its options. */
export interface GradeItem {
  gold: string;
  response: string;
  options?: GradeOptions;
}

/** The synchronous function a worker runs, e.g. the verifier's `gradeSync`. */
export type GradeFunction = (gold: string, response: string, options?: GradeOptions) => Grade;

/** What a worker is started with (`workerData`). */
export interface WorkerSetup {
  /** URL of the module that exports the grading function. */
  moduleUrl: string;
  /** Name of that export. */
  exportName: string;
  /** The worker's progress slot, shared with the pool's watchdog (layout: `SLOT_*`). */
  slot: SharedArrayBuffer;
}

/** Pool → worker: grade these items in order. */
export interface ChunkMessage {
  chunkId: number;
  items: GradeItem[];
  /** Time limit for items whose options carry no `timeout`, in seconds. */
  timeoutSeconds: number;
}

/** Worker → pool: the grades of `items[offset .. offset + grades.length)` of one chunk. */
export interface GradesMessage {
  chunkId: number;
  offset: number;
  grades: Grade[];
}

/**
 * The progress slot, a `Float64Array` over a `SharedArrayBuffer` written by the worker before each
 * item and read by the pool's watchdog: no message is needed to know which item runs and until when.
 */
export const SLOT_CHUNK = 0;
export const SLOT_POSITION = 1;
/** Epoch milliseconds after which the running item is cut off; 0 while the worker is idle. */
export const SLOT_DEADLINE = 2;
/** Epoch milliseconds at which the running item started. */
export const SLOT_STARTED = 3;
export const SLOT_LENGTH = 4;

/** The verdict given to an item that could not be graded (time limit, crash, thrown error). */
export function failedGrade(reason: "timeout" | "error", ms: number): Grade {
  return { correct: false, reason, predicted: null, gold: null, ruleFired: null, ms };
}

/** Time limit of one item in milliseconds: its own `options.timeout`, else the chunk's default. */
export function itemLimitMs(item: GradeItem, defaultSeconds: number): number {
  const seconds = item.options?.timeout ?? defaultSeconds;
  return seconds * 1000;
}
