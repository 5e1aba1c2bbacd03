import { join, resolve } from "node:path";
import { createRandom, mixSeed } from "../../data/tasks/random.js";
import { getTask } from "../../data/tasks/registry.js";
import type { OperandDistribution, TaskProblem } from "../../data/tasks/types.js";
import type { EngineClient } from "../../engine/client.js";
import type { Datum } from "../../engine/schemas.js";
import type { TextCodec } from "./types.js";

/** One supervised example: the prompt text and the completion to learn. */
export interface SupervisedExample {
  prompt: string;
  completion: string;
}

export interface SftOptions {
  client: EngineClient;
  codec: TextCodec;
  examples: SupervisedExample[];
  /** Optimizer steps. */
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Stop early after this wall time. */
  maxSeconds?: number;
  onStep?: (record: { step: number; loss: number; tokens: number; seconds: number }) => void;
}

/** Supervised examples from a synthetic task's traces (prompt = question, completion = trace). */
export function taskExamples(options: {
  task: string;
  count: number;
  seed: number;
  difficulty?: number;
  steps?: boolean;
  operands?: OperandDistribution;
  exclude?: Set<string>;
}): SupervisedExample[] {
  const problems: TaskProblem[] = getTask(options.task).generate({
    seed: mixSeed(options.seed, 0x5f7),
    count: options.count + (options.exclude?.size ?? 0),
    difficulty: options.difficulty,
    steps: options.steps,
    operands: options.operands,
  });
  return problems
    .filter((problem) => !options.exclude?.has(problem.question))
    .slice(0, options.count)
    .map((problem) => ({ prompt: problem.question, completion: problem.meta.trace }));
}

/**
 * A datum for SFT: tokens = (prompt ++ completion ++ eos)[:-1], targets = [1:], weights 1/T on
 * the completion's targets and 0 on the prompt's, where T is the batch's completion-token count —
 * the engine's loss −Σ w·logp is then the token-mean negative log-likelihood of the completions.
 */
export function supervisedDatum(
  codec: TextCodec,
  example: SupervisedExample,
): Datum & { completionTokens: number } {
  const prompt = codec.encode(example.prompt);
  const completion = [...codec.encode(example.completion), ...codec.stopTokenIds.slice(0, 1)];
  const full = [...prompt, ...completion];
  return {
    tokens: full.slice(0, -1),
    target_tokens: full.slice(1),
    completionTokens: completion.length,
  };
}

/**
 * Supervised fine-tuning on the engine (`forward_backward` with weights on completion tokens, then
 * AdamW). Batches are drawn by a seeded shuffle, epoch after epoch. Returns the loss per step.
 */
export async function runSupervised(options: SftOptions): Promise<{ losses: number[]; seconds: number }> {
  if (options.examples.length === 0) throw new Error("sft: examples must not be empty");
  const started = performance.now();
  const random = createRandom(mixSeed(options.seed, 0x5f8));
  const data = options.examples.map((example) => supervisedDatum(options.codec, example));
  let order: number[] = [];
  const losses: number[] = [];
  for (let step = 1; step <= options.steps; step++) {
    if (options.maxSeconds !== undefined && (performance.now() - started) / 1000 > options.maxSeconds) break;
    if (order.length < options.batchSize)
      order = [...order, ...random.shuffle(data.map((_, index) => index))];
    const batch = order.splice(0, options.batchSize).map((index) => data[index]);
    const totalTokens = batch.reduce((sum, datum) => sum + datum.completionTokens, 0);
    const weighted = batch.map((datum) => {
      const weights = datum.target_tokens.map((_, position) =>
        position >= datum.target_tokens.length - datum.completionTokens ? 1 / totalTokens : 0,
      );
      return { tokens: datum.tokens, target_tokens: datum.target_tokens, weights };
    });
    const result = await options.client.forwardBackward({ data: weighted });
    await options.client.optimStep({
      adam_params: { learning_rate: options.learningRate },
      grad_clip_norm: 1,
    });
    losses.push(result.loss);
    options.onStep?.({
      step,
      loss: result.loss,
      tokens: totalTokens,
      seconds: (performance.now() - started) / 1000,
    });
  }
  return { losses, seconds: (performance.now() - started) / 1000 };
}

/** Where `boxed sft` writes the fine-tuned model (a standard HF directory). */
export function sftModelDirectory(out: string): string {
  return join(resolve(out), "model");
}
