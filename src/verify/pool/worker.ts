/**
 * Worker-thread entry of the grade pool. It loads the grading function named in `workerData`, then
 * grades each chunk it receives in order. Before each item it writes the item's position and
 * deadline into the shared progress slot, so that the pool's watchdog can cut off (terminate) a
 * runaway item without any per-item message. Grades go back in batches: at the end of a chunk, or
 * as soon as FLUSH_MS have passed since the last batch, so that a cut-off loses little finished work.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Grade } from "../types.js";
import {
  type ChunkMessage,
  failedGrade,
  type GradeFunction,
  type GradesMessage,
  itemLimitMs,
  SLOT_CHUNK,
  SLOT_DEADLINE,
  SLOT_POSITION,
  SLOT_STARTED,
  type WorkerSetup,
} from "./protocol.js";

const FLUSH_MS = 20;

// A grader that prints must not corrupt the caller's stdout (the CLI writes rows there). Done here
// rather than with the Worker's `stdout: true` option, whose stream would keep the caller alive.
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

const setup = workerData as WorkerSetup;
const slot = new Float64Array(setup.slot);
const loaded = (await import(setup.moduleUrl)) as Record<string, unknown>;
const gradeFunction = loaded[setup.exportName];
if (typeof gradeFunction !== "function") {
  throw new Error(`grade worker: ${setup.moduleUrl} has no function export "${setup.exportName}"`);
}

function gradeOne(chunk: ChunkMessage, position: number): Grade {
  const item = chunk.items[position];
  const started = Date.now();
  slot[SLOT_CHUNK] = chunk.chunkId;
  slot[SLOT_POSITION] = position;
  slot[SLOT_STARTED] = started;
  slot[SLOT_DEADLINE] = started + itemLimitMs(item, chunk.timeoutSeconds);
  try {
    return (gradeFunction as GradeFunction)(item.gold, item.response, item.options);
  } catch {
    return failedGrade("error", Date.now() - started);
  }
}

function gradeChunk(chunk: ChunkMessage): void {
  let grades: Grade[] = [];
  let offset = 0;
  let lastFlush = Date.now();
  const flush = () => {
    const message: GradesMessage = { chunkId: chunk.chunkId, offset, grades };
    parentPort!.postMessage(message);
    offset += grades.length;
    grades = [];
    lastFlush = Date.now();
  };
  for (let position = 0; position < chunk.items.length; position++) {
    grades.push(gradeOne(chunk, position));
    if (Date.now() - lastFlush >= FLUSH_MS) flush();
  }
  slot[SLOT_DEADLINE] = 0;
  if (grades.length > 0) flush();
}

parentPort!.on("message", (chunk: ChunkMessage) => gradeChunk(chunk));
