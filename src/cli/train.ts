import type { Command } from "commander";
import { summaryLines } from "../rl/train/before-after.js";
import { describeConfig } from "../rl/train/config.js";
import { parseAssignment, resolveTrainConfig } from "../rl/train/load-config.js";
import { runMinimalTraining } from "../rl/train/minimal-run.js";
import { runTraining } from "../rl/train/run.js";

interface TrainFlags {
  config?: string;
  out?: string;
  set: string[];
  resume?: boolean;
  model?: string;
  task?: string;
  steps?: string;
  seed?: string;
  groupSize?: string;
  promptsPerStep?: string;
  lr?: string;
  advantage?: string;
  loss?: string;
  maxMinutes?: string;
  printConfig?: boolean;
  minimal?: boolean;
}

/** CLI flags as dotted config overrides (numbers parsed; the schema reports bad values by field). */
export function flagOverrides(flags: TrainFlags): [string, unknown][] {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return [
    ["out", flags.out],
    ["model.path", flags.model],
    ["data.task", flags.task],
    ["steps", number(flags.steps)],
    ["seed", number(flags.seed)],
    ["groupSize", number(flags.groupSize)],
    ["promptsPerStep", number(flags.promptsPerStep)],
    ["optimizer.learningRate", number(flags.lr)],
    ["advantage.estimator", flags.advantage],
    ["loss.name", flags.loss],
    ["maxMinutes", number(flags.maxMinutes)],
    ...flags.set.map(parseAssignment),
  ];
}

/** `boxed train --config FILE [--out DIR] [--set key=value ...] [--resume]`. */
export function registerTrain(program: Command): void {
  program
    .command("train")
    .description(
      "RLVR training (GRPO and family) on the engine; writes metrics, rollouts, checkpoints, report.html.",
    )
    .option("-c, --config <file>", "YAML or JSON config (see --print-config for every field)")
    .option("-o, --out <dir>", "run directory")
    .option("--set <key=value>", "override any config field by dotted path (repeatable)", collect, [])
    .option("--resume", "continue from the run directory's latest checkpoint")
    .option("--model <dir>", 'model directory, or "tiny"')
    .option("--task <name>", "synthetic task or benchmark")
    .option("--steps <n>", "training steps")
    .option("--seed <n>", "seed of data order and sampling")
    .option("--group-size <n>", "samples per prompt")
    .option("--prompts-per-step <n>", "prompts per step")
    .option("--lr <x>", "learning rate")
    .option("--advantage <name>", "advantage estimator")
    .option("--loss <name>", "policy loss")
    .option("--max-minutes <x>", "stop after this wall time")
    .option("--print-config", "print every config field with its default and exit")
    .option(
      "--minimal",
      "run the one-file readable loop (src/rl/train/minimal.ts) instead of the full trainer",
    )
    .action(async (flags: TrainFlags) => {
      if (flags.printConfig) {
        process.stdout.write(`${describeConfig().join("\n")}\n`);
        return;
      }
      const config = resolveTrainConfig({ file: flags.config, overrides: flagOverrides(flags) });
      if (flags.minimal) {
        const result = await runMinimalTraining(config);
        process.stderr.write(`model: ${result.model}\n`);
        process.stdout.write(`${JSON.stringify({ steps: result.steps.length, model: result.model })}\n`);
        return;
      }
      const summary = await runTraining(config, { resume: flags.resume });
      process.stderr.write(`${summaryLines(summary).join("\n")}\n`);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      if (summary.stopped === "signal") process.exitCode = 130;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
