import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { EngineClient } from "../../engine/client.js";
import type { LoopState } from "./loop-state.js";
import { writeFileAtomic } from "./run-files.js";

/** What the trainer keeps beside the engine's state: enough to continue bit-for-bit. */
export interface TrainerState {
  /** Steps completed (the next step to run). */
  step: number;
  /** Wall seconds spent in earlier sessions of this run. */
  elapsedSeconds: number;
  /** Hash of the config fields that must not change across a resume. */
  configHash: string;
  /** Per-prompt histories of the loop (HAPO, SPO, curriculum, replay), when the config uses them. */
  loop?: LoopState;
}

const LATEST = "latest.json";

/** `<out>/checkpoints/step-000020`. */
export function checkpointDirectory(out: string, step: number): string {
  return join(resolve(out), "checkpoints", `step-${String(step).padStart(6, "0")}`);
}

/**
 * Saves the engine's state (weights, AdamW moments, RNG, step) and the trainer's, then points
 * `latest.json` at it; the pointer is written last and atomically, so a kill mid-save leaves the
 * previous checkpoint in force. Keeps the `keep` most recent checkpoints.
 */
export async function saveCheckpoint(
  client: EngineClient,
  out: string,
  state: TrainerState,
  keep = 2,
): Promise<string> {
  const directory = checkpointDirectory(out, state.step);
  mkdirSync(directory, { recursive: true });
  await client.saveState(join(directory, "engine"));
  writeFileAtomic(join(directory, "trainer.json"), `${JSON.stringify(state, null, 2)}\n`);
  const previous = readLatest(out);
  const history = [...(previous?.history ?? []), directory].filter(
    (path, index, all) => all.indexOf(path) === index,
  );
  writeFileAtomic(
    join(resolve(out), "checkpoints", LATEST),
    `${JSON.stringify({ step: state.step, directory, history: history.slice(-keep) })}\n`,
  );
  for (const old of history.slice(0, -keep)) rmSync(old, { recursive: true, force: true });
  return directory;
}

function readLatest(out: string): { step: number; directory: string; history?: string[] } | null {
  const path = join(resolve(out), "checkpoints", LATEST);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Loads the latest checkpoint into the engine and returns the trainer state, or null when none exists. */
export async function loadLatestCheckpoint(client: EngineClient, out: string): Promise<TrainerState | null> {
  const latest = readLatest(out);
  if (latest === null) return null;
  const state = JSON.parse(readFileSync(join(latest.directory, "trainer.json"), "utf8")) as TrainerState;
  await client.loadState(join(latest.directory, "engine"));
  return state;
}
