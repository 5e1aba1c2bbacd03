import type { Command } from "commander";
import { OPERAND_DISTRIBUTIONS, type OperandDistribution } from "../data/tasks/types.js";
import { createLiveView } from "../rl/train/live-view.js";
import { runSftCommand } from "../rl/train/sft-run.js";

interface SftFlags {
  out: string;
  model: string;
  modelSeed: string;
  task: string;
  difficulty?: string;
  operands: string;
  heldOutOperands?: string;
  traces?: boolean;
  data?: string;
  prompt?: string;
  examples: string;
  steps: string;
  batchSize: string;
  lr: string;
  seed: string;
  maxMinutes?: string;
  heldOut: string;
}

function positiveInteger(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`${name} must be a positive integer, got "${value}"`);
  return parsed;
}

function operandFlag(name: string, value: string): OperandDistribution {
  if (!OPERAND_DISTRIBUTIONS.includes(value as OperandDistribution))
    throw new Error(`${name} must be one of ${OPERAND_DISTRIBUTIONS.join(", ")}, got "${value}"`);
  return value as OperandDistribution;
}

/** `boxed sft --out DIR [--task addition] [--steps N] ...`: supervised warm-start on task traces. */
export function registerSft(program: Command): void {
  program
    .command("sft")
    .description(
      "Supervised fine-tuning on synthetic-task traces (or a JSONL of prompt/completion) on the engine.",
    )
    .requiredOption("-o, --out <dir>", "output directory (the model goes to <out>/model)")
    .option("--model <dir>", 'model directory, or "tiny" to create the tiny preset', "tiny")
    .option("--model-seed <n>", 'seed of the "tiny" initialisation', "0")
    .option("--task <name>", "synthetic task whose traces are learned", "addition")
    .option("--difficulty <n>", "task difficulty (default: the task's own)")
    .option(
      "--operands <kind>",
      'addition/arithmetic operands: "uniform" in [0, 10^difficulty) or "by-digits" (digit count uniform)',
      "uniform",
    )
    .option(
      "--held-out-operands <kind>",
      "operand distribution of the held-out problems to exclude (default: --operands), as boxed train will evaluate",
    )
    .option("--traces", "learn step-by-step traces (default: the answer only)")
    .option("--data <file>", "JSONL of {prompt, completion} rows instead of a task")
    .option(
      "--prompt <template>",
      "render each prompt with this template and the model's chat template, as boxed eval --mode completion does",
    )
    .option("--examples <n>", "distinct training examples", "20000")
    .option("--steps <n>", "optimizer steps", "300")
    .option("--batch-size <n>", "examples per step", "64")
    .option("--lr <x>", "AdamW learning rate", "0.003")
    .option("--seed <n>", "seed of data and order", "0")
    .option("--held-out <n>", "held-out problems to exclude (as boxed train --seed holds them out)", "200")
    .option("--max-minutes <x>", "stop after this wall time")
    .action(async (flags: SftFlags) => {
      const learningRate = Number(flags.lr);
      const operands = operandFlag("--operands", flags.operands);
      const heldOutOperands =
        flags.heldOutOperands === undefined
          ? undefined
          : operandFlag("--held-out-operands", flags.heldOutOperands);
      if (!(learningRate > 0)) throw new Error(`--lr must be a positive number, got "${flags.lr}"`);
      const result = await runSftCommand({
        out: flags.out,
        model: flags.model,
        modelSeed: Number(flags.modelSeed),
        task: flags.task,
        difficulty:
          flags.difficulty === undefined ? undefined : positiveInteger("--difficulty", flags.difficulty),
        operands,
        heldOutOperands,
        traces: flags.traces ?? false,
        data: flags.data,
        prompt: flags.prompt,
        examples: positiveInteger("--examples", flags.examples),
        steps: positiveInteger("--steps", flags.steps),
        batchSize: positiveInteger("--batch-size", flags.batchSize),
        learningRate,
        seed: Number(flags.seed),
        heldOutCount: Number(flags.heldOut),
        maxSeconds: flags.maxMinutes === undefined ? undefined : Number(flags.maxMinutes) * 60,
        view: createLiveView(),
      });
      process.stdout.write(
        `${JSON.stringify({ model: result.model, steps: result.losses.length, finalLoss: result.losses.at(-1), seconds: result.seconds })}\n`,
      );
    });
}
