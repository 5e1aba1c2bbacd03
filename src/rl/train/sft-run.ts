import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { getPromptTemplate, renderPrompt } from "../../data/prompts.js";
import type { OperandDistribution } from "../../data/tasks/types.js";
import type { Problem } from "../../data/types.js";
import { initModel } from "../../engine/init-model.js";
import { startEngine } from "../../engine/process.js";
import { loadTokenizer } from "../../tokenize/index.js";
import { loadModelText } from "./codec.js";
import type { LiveView } from "./live-view.js";
import { createProblemSource } from "./problems.js";
import {
  appendJsonLines,
  prepareOutputDirectory,
  readJsonLines as readRows,
  writeFileAtomic,
} from "./run-files.js";
import { runSupervised, type SupervisedExample, sftModelDirectory, taskExamples } from "./sft.js";

export interface SftRunOptions {
  out: string;
  /** Model directory, or "tiny" to create the tiny preset. */
  model: string;
  modelSeed?: number;
  /** Synthetic task whose traces are learned (ignored when `data` is given). */
  task: string;
  difficulty?: number;
  /** Addition/arithmetic operand distribution (default "uniform"). */
  operands?: OperandDistribution;
  /**
   * Operand distribution of the held-out split to exclude (default `operands`): set it to the
   * distribution the later `boxed train` evaluates with when SFT draws differently.
   */
  heldOutOperands?: OperandDistribution;
  traces: boolean;
  /** JSONL with {prompt, completion} rows instead of a task. */
  data?: string;
  /**
   * A prompt template (src/data/prompts.ts): each prompt, as the question, rendered with the model's
   * chat template — what `boxed eval --mode completion --prompt NAME` sends. Default: the prompt as-is.
   */
  prompt?: string;
  examples: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  maxSeconds?: number;
  /** Held-out problems kept out of the SFT data: `boxed train`'s split with its default evaluation.seed 0. */
  heldOutCount?: number;
  view: LiveView;
}

function readExamples(path: string): SupervisedExample[] {
  const rows = readRows<Record<string, unknown>>(path);
  return rows.map((row, index) => {
    if (typeof row.prompt !== "string" || typeof row.completion !== "string") {
      throw new Error(`${path}: row ${index + 1} needs string fields "prompt" and "completion"`);
    }
    return { prompt: row.prompt, completion: row.completion };
  });
}

/** Prompts rendered as `boxed eval --mode completion --prompt NAME` renders a question. */
async function templated(modelDirectory: string, template: string, examples: SupervisedExample[]) {
  const [tokenizer, promptTemplate] = [await loadTokenizer(modelDirectory), getPromptTemplate(template)];
  const renderChat = (messages: { role: string; content: string }[]) =>
    tokenizer.renderChat(messages as Parameters<typeof tokenizer.renderChat>[0], {
      addGenerationPrompt: true,
    });
  return examples.map((example) => {
    const problem = { id: "", benchmark: "sft", question: example.prompt, answer: "" };
    const rendered = renderPrompt(promptTemplate, problem, "completion", renderChat);
    return { ...example, prompt: rendered.kind === "completion" ? rendered.prompt : example.prompt };
  });
}

/**
 * The examples an SFT run trains on, and the held-out problems it kept out: a JSONL's rows, or
 * the task's traces minus `boxed train`'s held-out split (evaluation seed 0, `heldOutCount` problems).
 */
export function sftData(options: Omit<SftRunOptions, "out" | "model" | "view">): {
  examples: SupervisedExample[];
  heldOut: Problem[];
} {
  const heldOut = options.data
    ? []
    : createProblemSource({
        task: options.task,
        seed: options.seed,
        heldOutSeed: 0,
        heldOutCount: options.heldOutCount ?? 0,
        difficulty: options.difficulty,
        steps: options.traces,
        operands: options.heldOutOperands ?? options.operands,
      }).heldOut;
  const examples = options.data
    ? readExamples(options.data)
    : taskExamples({
        task: options.task,
        count: options.examples,
        seed: options.seed,
        difficulty: options.difficulty,
        steps: options.traces,
        operands: options.operands,
        exclude: new Set(heldOut.map((problem) => problem.question)),
      });
  return { examples, heldOut };
}

/**
 * `boxed sft`: creates or loads the model, fine-tunes it on task traces (or a JSONL of prompt →
 * completion) with the engine, and exports the result to `<out>/model` (a standard HF directory,
 * usable as `--model` of `boxed train`/`boxed eval`). Loss per step goes to `<out>/sft-metrics.jsonl`.
 */
export async function runSftCommand(
  options: SftRunOptions,
): Promise<{ model: string; losses: number[]; seconds: number }> {
  const out = resolve(options.out);
  prepareOutputDirectory(out);
  let modelDirectory = options.model;
  if (modelDirectory === "tiny") {
    modelDirectory = join(out, "initial-model");
    if (!existsSync(join(modelDirectory, "model.safetensors"))) {
      options.view.message(`creating the tiny model in ${modelDirectory}`);
      await initModel({ out: modelDirectory, preset: "tiny", seed: options.modelSeed ?? 0 });
    }
  }
  const data = sftData(options);
  const examples =
    options.prompt === undefined
      ? data.examples
      : await templated(modelDirectory, options.prompt, data.examples);
  const engine = await startEngine({ model: modelDirectory, seed: options.seed, stateDir: out });
  try {
    const text = await loadModelText(modelDirectory, "raw");
    const metricsPath = join(out, "sft-metrics.jsonl");
    writeFileAtomic(metricsPath, "");
    const result = await runSupervised({
      client: engine.client,
      codec: text.codec,
      examples,
      steps: options.steps,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      maxSeconds: options.maxSeconds,
      onStep: (record) => {
        appendJsonLines(metricsPath, [record]);
        options.view.step(
          `sft step ${record.step}/${options.steps}  loss ${record.loss.toFixed(4)}  ${record.seconds.toFixed(0)}s`,
        );
      },
    });
    const model = sftModelDirectory(out);
    await engine.client.export(model);
    options.view.message(
      `sft: ${result.losses.length} steps in ${result.seconds.toFixed(0)}s; model written to ${model}`,
    );
    return { model, ...result };
  } finally {
    await engine.stop();
  }
}
