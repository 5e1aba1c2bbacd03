import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { PACKAGE_ROOT } from "../../engine/python.js";
import { summaryLines } from "./before-after.js";
import { parseTrainConfig, type TrainConfigInput } from "./config.js";
import { type DemoDataPlan, demoDataPlan, writeDemoData } from "./demo-data.js";
import type { LiveView } from "./live-view.js";
import { runTraining, type TrainSummary } from "./run.js";
import { runSftCommand } from "./sft-run.js";

/** The shipped warm-started checkpoint (see assets/demo/README.md for the command that rebuilds it). */
export const DEMO_MODEL_DIRECTORY = join(PACKAGE_ROOT, "assets", "demo", "model");

/**
 * The warm start's recipe (`--fresh`, or no shipped model): the one `boxed sft` run that built
 * assets/demo/model — step-by-step column-addition traces of every 1–2-digit addition except the
 * demo's 200 held-out ones (9,800 examples). assets/demo/README.md gives the command.
 */
export const DEMO_SFT_STAGES = [{ steps: 400, batchSize: 64, learningRate: 3e-3 }] as const;

const DEMO_TASK = {
  task: "addition",
  difficulty: 2,
  traces: true,
  examples: 9800,
  seed: 0,
  heldOutCount: 200,
};

/**
 * The GRPO run of the demo: prompts that ask for the traces (data.steps), room for them
 * (48 tokens), 100 steps of 32 prompts × 8 samples, evaluated on the same held-out 200.
 */
export function demoTrainConfig(out: string, model: string, seed: number, minutes: number): TrainConfigInput {
  return {
    out,
    seed,
    steps: 100,
    maxMinutes: minutes,
    promptsPerStep: 32,
    groupSize: 8,
    model: { path: model },
    data: { task: "addition", difficulty: DEMO_TASK.difficulty, steps: true, template: "raw" },
    sampling: { maxTokens: 48, temperature: 1 },
    rewards: [{ name: "correctness", weight: 1 }],
    advantage: { estimator: "grpo" },
    loss: { name: "ppo", aggregation: "token_mean" },
    optimizer: { learningRate: 3e-4 },
    evaluation: { problems: DEMO_TASK.heldOutCount, samples: 8, every: 50 },
    checkpointEvery: 50,
  };
}

/** Every stage's data for a GRPO seed: the SFT stages (shared by all seeds) and GRPO's prompts. */
export function demoPlan(seed: number): DemoDataPlan {
  return demoDataPlan({
    sftStages: DEMO_SFT_STAGES.map((stage, index) => ({
      name: `sft-${index + 1}`,
      options: { ...DEMO_TASK, ...stage },
    })),
    grpo: demoTrainConfig("unused", "unused", seed, 1),
  });
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
  // The held-out set and every stage's data digest, before any training: refuses any overlap.
  writeDemoData(out, demoPlan(options.seed));
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
