import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Grade } from "../types.js";
import {
  type ChunkMessage,
  type GradeItem,
  type GradesMessage,
  SLOT_CHUNK,
  SLOT_DEADLINE,
  SLOT_LENGTH,
  SLOT_POSITION,
  SLOT_STARTED,
  type WorkerSetup,
} from "./protocol.js";

/** One queued grading job and the promise waiting for it. */
export interface Task {
  item: GradeItem;
  settled: boolean;
  resolve: (grade: Grade) => void;
  reject: (error: Error) => void;
}

/** Tasks sent together in one message. */
export interface Chunk {
  chunkId: number;
  tasks: Task[];
}

/** The item a worker was running when it was stopped, read from its progress slot. */
export interface RunningItem {
  task: Task;
  startedAt: number;
}

export interface WorkerEvents {
  onGrades(handle: WorkerHandle, chunk: Chunk, offset: number, grades: Grade[]): void;
  onFailure(handle: WorkerHandle, error: Error): void;
}

/**
 * What a worker runs: the compiled `worker.js` beside this module, or — when this module is itself
 * TypeScript source (tests, tsx) — a two-line bootstrap that registers tsx in the worker and then
 * imports `worker.ts`. (`execArgv: ["--import", "tsx"]` does not reach a worker's entry on Node 20.)
 */
function workerEntry(): { script: URL | string; evaluate: boolean } {
  if (!import.meta.url.endsWith(".ts"))
    return { script: new URL("./worker.js", import.meta.url), evaluate: false };
  // require.resolve finds the CommonJS build of tsx's API; its ES module build sits beside it.
  const tsxApi = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const tsx = pathToFileURL(tsxApi).href;
  const worker = new URL("./worker.ts", import.meta.url).href;
  const script = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`;
  return { script, evaluate: true };
}

/**
 * One worker thread with the chunks it holds. The worker is referenced (keeps the process alive)
 * only while it holds work, so an idle pool never delays the exit of a CLI.
 */
export class WorkerHandle {
  readonly chunks = new Map<number, Chunk>();
  /** Grades this worker has returned; 0 means it never got going. */
  completed = 0;
  alive = true;
  private readonly worker: Worker;
  private readonly slot: Float64Array;

  constructor(setup: Omit<WorkerSetup, "slot">, maxHeapMb: number, events: WorkerEvents) {
    const buffer = new SharedArrayBuffer(SLOT_LENGTH * Float64Array.BYTES_PER_ELEMENT);
    this.slot = new Float64Array(buffer);
    const entry = workerEntry();
    this.worker = new Worker(entry.script, {
      eval: entry.evaluate,
      workerData: { ...setup, slot: buffer } satisfies WorkerSetup,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
    });
    this.worker.unref();
    this.worker.on("message", (message: GradesMessage) => {
      const chunk = this.chunks.get(message.chunkId);
      if (!this.alive || chunk === undefined) return;
      this.completed += message.grades.length;
      if (message.offset + message.grades.length >= chunk.tasks.length) this.chunks.delete(chunk.chunkId);
      if (this.chunks.size === 0) this.worker.unref();
      events.onGrades(this, chunk, message.offset, message.grades);
    });
    this.worker.on("error", (error) => {
      if (this.alive) events.onFailure(this, error);
    });
    this.worker.on("exit", (code) => {
      if (this.alive) events.onFailure(this, new Error(`grade worker exited with code ${code}`));
    });
  }

  send(chunk: Chunk, timeoutSeconds: number): void {
    this.chunks.set(chunk.chunkId, chunk);
    this.worker.ref();
    const message: ChunkMessage = {
      chunkId: chunk.chunkId,
      items: chunk.tasks.map((task) => task.item),
      timeoutSeconds,
    };
    this.worker.postMessage(message);
  }

  /** Epoch milliseconds after which the running item is over its limit; 0 when idle. */
  deadline(): number {
    return this.slot[SLOT_DEADLINE];
  }

  /** The task the worker is running now, if the slot names one of the chunks it holds. */
  runningItem(): RunningItem | null {
    if (this.slot[SLOT_DEADLINE] === 0) return null;
    const chunk = this.chunks.get(this.slot[SLOT_CHUNK]);
    const task = chunk?.tasks[this.slot[SLOT_POSITION]];
    if (task === undefined || task.settled) return null;
    return { task, startedAt: this.slot[SLOT_STARTED] };
  }

  /** Every task this worker holds that has no grade yet. */
  unsettledTasks(): Task[] {
    const tasks: Task[] = [];
    for (const chunk of this.chunks.values()) {
      for (const task of chunk.tasks) if (!task.settled) tasks.push(task);
    }
    return tasks;
  }

  /** Stops the thread without waiting for it: a runaway computation is cut off here. */
  stop(): Promise<number> {
    this.alive = false;
    this.chunks.clear();
    return this.worker.terminate().catch(() => -1);
  }
}
