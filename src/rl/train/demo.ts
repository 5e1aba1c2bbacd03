import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { PACKAGE_ROOT } from "../../engine/python.js";
import { summaryLines } from "./before-after.js";
import { parseTrainConfig, type TrainConfigInput } from "./config.js";
import type { LiveView } from "./live-view.js";
import { runTraining, type TrainSummary } from "./run.js";
import { runSftCommand } from "./sft-run.js";

/** The shipped warm-started checkpoint (see assets/demo/README.md for the command that rebuilds it). */
export const DEMO_MODEL_DIRECTORY = join(PACKAGE_ROOT, "assets", "demo", "model");

/**
 * The warm start's recipe (`--fresh`, or no shipped model), the same two `boxed sft` runs that built
 * assets/demo/model: stage 1 draws operands by digit count (short numbers common, a curriculum),
 * stage 2 uniformly in [0, 100) like the demo's problems. assets/demo/README.md gives the commands.
 */
export const DEMO_SFT_STAGES = [
  { steps: 400, batchSize: 64, learningRate: 3e-3, operands: "by-digits" },
  { steps: 200, batchSize: 256, learningRate: 2e-3, operands: "uniform" },
] as const;

const DEMO_TASK = {
  task: "addition",
  difficulty: 2,
  traces: false,
  examples: 20000,
  seed: 0,
  heldOutCount: 200,
};

/** The GRPO run of the demo (the reference experiment of issue 9, on the engine's tiny model). */
export function demoTrainConfig(out: string, model: string, seed: number, minutes: number): TrainConfigInput {
  return {
    out,
    seed,
    steps: 400,
    maxMinutes: minutes,
    promptsPerStep: 32,
    groupSize: 8,
    model: { path: model },
    data: { task: "addition", difficulty: DEMO_TASK.difficulty, steps: false, template: "raw" },
    sampling: { maxTokens: 6, temperature: 1 },
    rewards: [{ name: "correctness", weight: 1 }],
    advantage: { estimator: "grpo" },
    loss: { name: "ppo", aggregation: "token_mean" },
    optimizer: { learningRate: 3e-4 },
    evaluation: { problems: DEMO_TASK.heldOutCount, samples: 8, every: 50 },
    checkpointEvery: 50,
  };
}

export interface DemoOptions {
  out: string;
  seed: number;
  /** Wall-time budget of the GRPO stage. */
  minutes: number;
  /** Rebuild the warm start with `boxed sft` even when the shipped one exists. */
  fresh?: boolean;
  view: LiveView;
}

/**
 * `boxed demo`: (1) load the shipped warm-started tiny model (or build it with `boxed sft`),
 * (2) evaluate it on held-out addition problems, (3) run GRPO, (4) evaluate again, (5) print the
 * before/after table and write report.html — on a CPU, with nothing downloaded.
 */
export async function runDemo(options: DemoOptions): Promise<TrainSummary> {
  const out = resolve(options.out);
  let model = DEMO_MODEL_DIRECTORY;
  if (options.fresh || !existsSync(join(model, "model.safetensors"))) {
    options.view.message("warm start: supervised fine-tuning of the tiny model on addition (boxed sft)");
    model = "tiny";
    for (const [index, stage] of DEMO_SFT_STAGES.entries()) {
      const stageOut = join(out, `warm-start-${index + 1}`);
      model = (await runSftCommand({ ...DEMO_TASK, ...stage, model, out: stageOut, view: options.view }))
        .model;
    }
  } else options.view.message(`warm start: ${model}`);
  const config = parseTrainConfig(demoTrainConfig(join(out, "grpo"), model, options.seed, options.minutes));
  const summary = await runTraining(config, { view: options.view });
  for (const line of summaryLines(summary, "GRPO")) options.view.message(line);
  return summary;
}
