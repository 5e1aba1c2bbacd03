import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { initModel } from "../../engine/init-model.js";
import type { Algorithms } from "./algorithms.js";
import { loadModelText, type ModelText } from "./codec.js";
import type { TrainConfig } from "./config.js";
import { configProblemSource } from "./problems.js";
import type { ProblemSource } from "./types.js";
import { validateRun } from "./validate-run.js";

/** The model directory to load: a given path, or the tiny preset created once under the run. */
async function resolveModel(
  config: TrainConfig,
  out: string,
): Promise<{ directory: string; created: boolean }> {
  if (config.model.path !== "tiny") {
    if (!existsSync(join(config.model.path, "config.json"))) {
      throw new Error(`model.path ${config.model.path} is not a model directory (no config.json)`);
    }
    return { directory: resolve(config.model.path), created: false };
  }
  const directory = join(out, "initial-model");
  if (existsSync(join(directory, "model.safetensors"))) return { directory, created: false };
  await initModel({ out: directory, preset: "tiny", seed: config.model.seed });
  return { directory, created: true };
}

/**
 * A new run needs an empty folder: files of an earlier run (its evals.jsonl "before" line, its
 * metrics) would otherwise be reported as this run's. `--resume` continues the run that is there.
 */
export function refuseEarlierRun(out: string): void {
  const entries = existsSync(out) ? readdirSync(out) : [];
  if (entries.length === 0) return;
  const shown = entries.slice(0, 5).join(", ") + (entries.length > 5 ? ", ..." : "");
  throw new Error(
    `${out} is not empty (${shown}); pass --resume to continue the run there, or choose another --out`,
  );
}

/** What the run needs before the engine starts: the model, its tokenizer, the problems, the checked config. */
export interface Prepared {
  modelDirectory: string;
  text: ModelText;
  source: ProblemSource;
  algorithms: Algorithms;
}

/** Resolves and validates everything that can fail without an engine; a tiny model made here is removed on failure. */
export async function prepareRun(
  config: TrainConfig,
  out: string,
  options: { source?: ProblemSource },
): Promise<Prepared> {
  const model = await resolveModel(config, out);
  try {
    const text = await loadModelText(model.directory, config.data.template);
    const source = options.source ?? configProblemSource(config);
    const algorithms = validateRun(config, source, text.codec);
    return { modelDirectory: model.directory, text, source, algorithms };
  } catch (error) {
    if (model.created) rmSync(model.directory, { recursive: true, force: true });
    throw error;
  }
}
