import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { startEngine } from "../../engine/process.js";

/** What `engine/boxed_engine/checkpoint.py` writes beside the weights (`save_state`). */
interface SavedState {
  step: number;
  lora: boolean;
  /** The model directory the engine was started on (the base weights under a LoRA adapter). */
  model: string;
}

/** The model fields of the run's `config.json` that rebuild the engine the checkpoint came from. */
interface RunModel {
  dtype?: "float32" | "bfloat16";
  loraRank?: number;
  loraAlpha?: number;
  loraTargets?: string;
}

/**
 * The engine-state folder of a checkpoint, given a run directory (its `checkpoints/latest.json`),
 * a checkpoint directory (`checkpoints/step-000020`) or the engine folder inside one.
 */
export function resolveCheckpoint(path: string): { engineState: string; runDirectory: string | null } {
  const absolute = resolve(path);
  const latest = join(absolute, "checkpoints", "latest.json");
  if (existsSync(latest)) {
    const pointer = JSON.parse(readFileSync(latest, "utf8")) as { directory: string };
    return { engineState: join(pointer.directory, "engine"), runDirectory: absolute };
  }
  for (const engineState of [join(absolute, "engine"), absolute]) {
    if (existsSync(join(engineState, "state.json"))) {
      // <run>/checkpoints/step-N/engine → <run>
      const run = resolve(dirname(engineState), "..", "..");
      return { engineState, runDirectory: existsSync(join(run, "config.json")) ? run : null };
    }
  }
  throw new Error(
    `${path} is not a checkpoint: expected a run directory (checkpoints/latest.json), ` +
      "a checkpoints/step-N directory, or its engine/ folder (state.json)",
  );
}

/**
 * Writes a checkpoint's model as a standard HF directory (config, safetensors, tokenizer; LoRA
 * merged into the base weights): starts an engine on the base model the checkpoint was trained
 * from, loads the checkpoint's weights (`/load_state`), and `/export`s them to `out`.
 */
export async function exportCheckpoint(options: {
  checkpoint: string;
  out: string;
}): Promise<{ out: string; step: number; model: string }> {
  const { engineState, runDirectory } = resolveCheckpoint(options.checkpoint);
  const state = JSON.parse(readFileSync(join(engineState, "state.json"), "utf8")) as SavedState;
  if (!existsSync(join(state.model, "config.json"))) {
    throw new Error(
      `the checkpoint was trained from ${state.model}, which is no longer a model directory (no config.json)`,
    );
  }
  const out = resolve(options.out);
  if (out === resolve(state.model)) {
    throw new Error(
      `--out ${options.out} is the base model the checkpoint was trained from; choose another folder`,
    );
  }
  const runModel: RunModel =
    runDirectory === null
      ? {}
      : ((JSON.parse(readFileSync(join(runDirectory, "config.json"), "utf8")) as { model?: RunModel })
          .model ?? {});
  if (state.lora && !(runModel.loraRank !== undefined && runModel.loraRank > 0)) {
    throw new Error(
      `the checkpoint in ${engineState} holds a LoRA adapter, but no run config.json with model.loraRank sits two folders above it`,
    );
  }
  const engine = await startEngine({
    model: state.model,
    stateDir: [engineState, out],
    dtype: runModel.dtype,
    lora: state.lora
      ? {
          rank: runModel.loraRank as number,
          alpha: runModel.loraAlpha,
          targets: runModel.loraTargets?.split(","),
        }
      : undefined,
  });
  try {
    const loaded = await engine.client.loadState(engineState);
    await engine.client.export(out);
    return { out, step: loaded.step, model: state.model };
  } finally {
    await engine.stop();
  }
}
