import { availableParallelism } from "node:os";
import type { Grade } from "../types.js";
import { failedGrade, type GradeItem } from "./protocol.js";
import { type Chunk, type Task, WorkerHandle } from "./worker-handle.js";

export interface WorkerPoolOptions {
  /** URL of the module exporting the synchronous grading function. */
  moduleUrl: string;
  /** Name of that export. */
  exportName: string;
  /** Worker threads. Default: the machine's available parallelism. */
  workers?: number;
  /** Default per-item time limit in seconds (an item's `options.timeout` wins). Default 5. */
  timeout?: number;
  /** Most items per message to a worker. Default 64 (see bench/verify/chunk-size.ts). */
  maxChunk?: number;
  /** Old-generation heap limit of each worker in MB; past it the worker dies and is replaced. Default 512. */
  maxHeapMb?: number;
}

/** Counters of what the pool has had to survive. */
export interface WorkerPoolStats {
  workers: number;
  timeouts: number;
  crashes: number;
  /** Workers started in replacement of one that was cut off or crashed. */
  replaced: number;
}

/** Chunks each worker may hold at once, so that it never waits for the round trip to the pool. */
const CHUNKS_IN_FLIGHT = 2;
/** Workers that die before grading anything, in a row, after which the pool gives up. */
const STARTUP_FAILURE_LIMIT = 3;

export function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== "number" || !Number.isFinite(resolved) || resolved <= 0) {
    throw new Error(`${name} must be a positive finite number, got ${String(value)}`);
  }
  return resolved;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = positiveNumber(name, value, fallback);
  if (!Number.isInteger(resolved)) throw new Error(`${name} must be an integer, got ${resolved}`);
  return resolved;
}

/**
 * A pool of worker threads that run a synchronous grading function with a hard time limit per
 * item. Items wait in one queue and go to workers in chunks (amortising the message cost); a
 * watchdog reads each worker's progress slot and terminates a worker whose item is past its
 * deadline: that item is graded `timeout`, the worker's other unfinished items go back to the
 * front of the queue, and a fresh worker takes its place. A worker that crashes is handled the same
 * way with `error`. Nothing an item does can hang or crash the caller.
 */
export class WorkerPool {
  readonly size: number;
  readonly timeout: number;
  private readonly maxChunk: number;
  private readonly maxHeapMb: number;
  private readonly handles: WorkerHandle[] = [];
  private readonly retries: Task[] = [];
  private queue: Task[] = [];
  private queueHead = 0;
  private nextChunkId = 1;
  private watchdog: NodeJS.Timeout | null = null;
  private watchdogInterval = 0;
  private startupFailures = 0;
  /** The shortest time limit seen, in seconds: it sets the watchdog's period. */
  private shortestLimit: number;
  private closed = false;
  private readonly counters = { timeouts: 0, crashes: 0, replaced: 0 };

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = positiveInteger("workers", options.workers, availableParallelism());
    this.timeout = positiveNumber("timeout", options.timeout, 5);
    this.maxChunk = positiveInteger("maxChunk", options.maxChunk, 64);
    this.maxHeapMb = positiveInteger("maxHeapMb", options.maxHeapMb, 512);
    this.shortestLimit = this.timeout;
  }

  /**
   * Starts every worker now and has each grade `item` (its verdict dropped), so that the grader and
   * what it loads lazily (the CAS) are ready in all threads before a large batch arrives.
   */
  prewarm(item: GradeItem | null): void {
    if (this.closed) return;
    while (this.handles.length < this.size) this.handles.push(this.startWorker());
    if (item === null) return;
    for (const handle of this.handles) {
      const task: Task = { item, settled: false, resolve: () => {}, reject: () => {} };
      handle.send({ chunkId: this.nextChunkId++, tasks: [task] }, this.timeout);
    }
    this.startWatchdog();
  }

  /** Queues items; each promise settles with the item's grade (never rejects unless the pool fails). */
  submit(items: GradeItem[]): Promise<Grade>[] {
    if (this.closed) throw new Error("grade pool is closed");
    for (const [index, item] of items.entries()) this.checkItem(item, index);
    const promises = items.map(
      (item) =>
        new Promise<Grade>((resolve, reject) => {
          this.queue.push({ item, settled: false, resolve, reject });
        }),
    );
    this.dispatch();
    return promises;
  }

  private checkItem(item: GradeItem, index: number): void {
    if (typeof item?.gold !== "string") throw new Error(`items[${index}].gold must be a string`);
    if (typeof item.response !== "string") throw new Error(`items[${index}].response must be a string`);
    const limit = item.options?.timeout;
    if (limit !== undefined) {
      this.shortestLimit = Math.min(
        this.shortestLimit,
        positiveNumber(`items[${index}].options.timeout`, limit, 0),
      );
    }
  }

  stats(): WorkerPoolStats {
    return { workers: this.handles.length, ...this.counters };
  }

  /** Stops every worker; items still waiting are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWatchdog();
    const error = new Error("grade pool was closed before this item was graded");
    for (const task of [...this.retries, ...this.queue.slice(this.queueHead)]) this.settleError(task, error);
    for (const handle of this.handles)
      for (const task of handle.unsettledTasks()) this.settleError(task, error);
    this.retries.length = 0;
    this.queue = [];
    this.queueHead = 0;
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }

  private pending(): number {
    return this.retries.length + this.queue.length - this.queueHead;
  }

  /** Chunk size: the queue split over the workers (four chunks each), capped at `maxChunk`. */
  private chunkSize(): number {
    return Math.min(this.maxChunk, Math.max(1, Math.ceil(this.pending() / (this.size * 4))));
  }

  private takeChunk(): Chunk {
    const size = this.chunkSize();
    const tasks = this.retries.splice(0, size);
    while (tasks.length < size && this.queueHead < this.queue.length)
      tasks.push(this.queue[this.queueHead++]);
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return { chunkId: this.nextChunkId++, tasks };
  }

  /**
   * A first worker starts for any item; another only while a full chunk waits beyond what the
   * running workers hold: a new worker loads the grader's CAS (~0.8 CPU-s), more than a few grades cost.
   */
  private wantsAnotherWorker(): boolean {
    if (this.handles.length >= this.size) return false;
    return this.pending() >= (this.handles.length === 0 ? 1 : this.maxChunk);
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const handle of this.handles) {
      if (this.pending() > 0 && handle.chunks.size === 0) handle.send(this.takeChunk(), this.timeout);
    }
    for (const handle of this.handles) {
      if (this.pending() > 0 && handle.chunks.size < CHUNKS_IN_FLIGHT)
        handle.send(this.takeChunk(), this.timeout);
    }
    while (this.wantsAnotherWorker()) {
      const handle = this.startWorker();
      this.handles.push(handle);
      while (this.pending() > 0 && handle.chunks.size < CHUNKS_IN_FLIGHT)
        handle.send(this.takeChunk(), this.timeout);
    }
    if (this.handles.some((handle) => handle.chunks.size > 0)) this.startWatchdog();
    else this.stopWatchdog();
  }

  private startWorker(): WorkerHandle {
    const setup = { moduleUrl: this.options.moduleUrl, exportName: this.options.exportName };
    return new WorkerHandle(setup, this.maxHeapMb, {
      onGrades: (_handle, chunk, offset, grades) => {
        this.startupFailures = 0;
        for (const [index, grade] of grades.entries()) this.settle(chunk.tasks[offset + index], grade);
        this.dispatch();
      },
      onFailure: (handle, error) => this.replace(handle, "error", error),
    });
  }

  /** Cuts off a worker (time limit) or buries a crashed one, grades its running item, requeues the rest. */
  private replace(handle: WorkerHandle, reason: "timeout" | "error", error: Error | null): void {
    if (!handle.alive) return;
    const running = handle.runningItem();
    const unsettled = handle.unsettledTasks();
    void handle.stop();
    this.handles.splice(this.handles.indexOf(handle), 1);
    if (reason === "timeout") this.counters.timeouts++;
    else this.counters.crashes++;
    if (running !== null) this.settle(running.task, failedGrade(reason, Date.now() - running.startedAt));
    const requeued = unsettled.filter((task) => task !== running?.task);
    if (handle.completed === 0 && running === null && ++this.startupFailures >= STARTUP_FAILURE_LIMIT) {
      this.failEverything(requeued, error);
      return;
    }
    this.retries.unshift(...requeued);
    this.counters.replaced++;
    // Start the replacement now, idle or not, so that it loads the grader while the others work.
    if (!this.closed) this.handles.push(this.startWorker());
    this.dispatch();
  }

  /** Workers cannot start at all (a missing module, a broken install): reject rather than loop. */
  private failEverything(requeued: Task[], error: Error | null): void {
    const failure = new Error(`grade pool: workers fail to start: ${error?.message ?? "unknown error"}`);
    for (const task of [...requeued, ...this.retries, ...this.queue.slice(this.queueHead)]) {
      this.settleError(task, failure);
    }
    this.retries.length = 0;
    this.queue = [];
    this.queueHead = 0;
    this.startupFailures = 0;
    this.dispatch();
  }

  private settle(task: Task, grade: Grade): void {
    if (task.settled) return;
    task.settled = true;
    task.resolve(grade);
  }

  private settleError(task: Task, error: Error): void {
    if (task.settled) return;
    task.settled = true;
    task.reject(error);
  }

  /** Polls the progress slots every 1/20 of the shortest limit (5–100 ms): that is the cut-off's slack. */
  private startWatchdog(): void {
    const interval = Math.max(5, Math.min(100, (this.shortestLimit * 1000) / 20));
    if (this.watchdog !== null && this.watchdogInterval === interval) return;
    this.stopWatchdog();
    this.watchdogInterval = interval;
    this.watchdog = setInterval(() => this.checkDeadlines(), interval);
  }

  private stopWatchdog(): void {
    if (this.watchdog === null) return;
    clearInterval(this.watchdog);
    this.watchdog = null;
  }

  private checkDeadlines(): void {
    const now = Date.now();
    for (const handle of [...this.handles]) {
      const deadline = handle.deadline();
      if (deadline > 0 && now > deadline && handle.chunks.size > 0) this.replace(handle, "timeout", null);
    }
  }
}
