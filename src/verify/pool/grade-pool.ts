import type { Grade, GradeOptions } from "../types.js";
import type { GradeItem } from "./protocol.js";
import { WorkerPool, type WorkerPoolStats } from "./worker-pool.js";

export interface GradePoolOptions {
  /** Worker threads. Default: the machine's available parallelism. */
  workers?: number;
  /** Per-grade time limit in seconds (an item's `options.timeout` wins). Default 5. */
  timeout?: number;
  /** Heap limit of each worker in MB. Default 512. */
  maxHeapMb?: number;
  /** Most items per message to a worker. Default 64. */
  maxChunk?: number;
  /** Module and export of the synchronous grader. Default: the verifier's `gradeSync`. */
  grader?: { moduleUrl: string; exportName: string };
  /**
   * Start all workers at once and load the grader's lazy parts (the CAS) in each, in parallel with
   * the caller's own start-up: worth it before a large batch. Default false (workers start on demand).
   */
  warm?: boolean;
}

export interface GradeBatchOptions {
  /** Worker threads (default: available cores); each count has its own shared pool, kept between calls. */
  workers?: number;
  /** Time limit in seconds for items whose options carry none. Default: the pool's (5). */
  timeout?: number;
  /** Called as grades arrive, with how many of the batch are done. */
  onProgress?: (done: number, total: number) => void;
}

/** A pool of graders with a hard time limit per grade; `close()` stops its threads. */
export interface GradePool {
  /** Worker threads the pool runs at most. */
  readonly workers: number;
  grade(gold: string, response: string, options?: GradeOptions): Promise<Grade>;
  gradeBatch(items: GradeItem[], options?: Omit<GradeBatchOptions, "workers">): Promise<Grade[]>;
  stats(): WorkerPoolStats;
  close(): Promise<void>;
}

/** The verifier's `gradeSync`, loaded by workers from the compiled `.js` or (in tests) the `.ts` source. */
function defaultGrader(): { moduleUrl: string; exportName: string } {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return { moduleUrl: new URL(`../index${extension}`, import.meta.url).href, exportName: "gradeSync" };
}

/** A grade the verifier can only settle symbolically: it makes a worker load the CAS. */
const CAS_WARM_UP: GradeItem = { gold: "\\frac{x^2-1}{x-1}", response: "\\boxed{x+1}" };

function withTimeout(item: GradeItem, timeout: number | undefined): GradeItem {
  if (timeout === undefined || item.options?.timeout !== undefined) return item;
  return { ...item, options: { ...item.options, timeout } };
}

/**
 * Creates a pool of worker threads grading with the verifier.
 * @example
 * const pool = createGradePool({ workers: 2, timeout: 5 });
 * const grades = await pool.gradeBatch([{ gold: "\\frac12", response: "The answer is \\boxed{0.5}" }]);
 * await pool.close();
 */
export function createGradePool(options: GradePoolOptions = {}): GradePool {
  const grader = options.grader ?? defaultGrader();
  const pool = new WorkerPool({ ...options, ...grader });
  if (options.warm === true) pool.prewarm(options.grader === undefined ? CAS_WARM_UP : null);
  return {
    workers: pool.size,
    grade: async (gold, response, gradeOptions) => {
      const [promise] = pool.submit([{ gold, response, options: gradeOptions }]);
      return promise;
    },
    gradeBatch: async (items, batchOptions = {}) => {
      if (!Array.isArray(items)) throw new Error("items must be an array of { gold, response, options? }");
      const timed = items.map((item) => withTimeout(item, batchOptions.timeout));
      const promises = pool.submit(timed);
      const onProgress = batchOptions.onProgress;
      if (onProgress !== undefined) {
        let done = 0;
        for (const promise of promises) promise.then(() => onProgress(++done, items.length)).catch(() => {});
      }
      return Promise.all(promises);
    },
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

/** The process-wide pools behind `grade` and `gradeBatch`, one per worker count, created on first
 *  use; idle, they hold no event loop, so a script or CLI exits without closing them. */
const sharedPools = new Map<number, GradePool>();

function shared(workers: number | undefined): GradePool {
  const key = workers ?? 0;
  let pool = sharedPools.get(key);
  if (pool === undefined) {
    pool = createGradePool({ workers });
    sharedPools.set(key, pool);
  }
  return pool;
}

/** Grades one response in the shared worker pool, within the time limit (`options.timeout`, default 5 s). */
export function grade(gold: string, response: string, options?: GradeOptions): Promise<Grade> {
  return shared(undefined).grade(gold, response, options);
}

/** Grades many responses in parallel; grades come back in the order of `items`. */
export async function gradeBatch(items: GradeItem[], options: GradeBatchOptions = {}): Promise<Grade[]> {
  const { workers, ...batchOptions } = options;
  return shared(workers).gradeBatch(items, batchOptions);
}

/** Stops the shared pools' threads (a later `grade` starts new ones). */
export async function closeSharedGradePool(): Promise<void> {
  const pools = [...sharedPools.values()];
  sharedPools.clear();
  await Promise.all(pools.map((pool) => pool.close()));
}
