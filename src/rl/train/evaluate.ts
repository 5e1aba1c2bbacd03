import type { Problem } from "../../data/types.js";
import type { EngineClient } from "../../engine/client.js";
import { passAtK, reportedKs } from "../../eval/metrics/pass-at-k.js";
import { responseText } from "./rollouts.js";
import { sampleToolGroups, type ToolRuntime } from "./tools/engine-rollout.js";
import type { ProblemSource, TextCodec } from "./types.js";

export interface HeldOutResult {
  /** pass@k for k = 1, 2, 4, … up to the number of samples (unbiased estimator). */
  passAtK: Record<string, number>;
  problems: number;
  samples: number;
  responseLengthMean: number;
  seconds: number;
}

/**
 * Evaluates the current policy on held-out problems: `samples` draws per problem at the given
 * temperature, graded by the source's verifier, summarised as unbiased pass@k (Chen et al. 2021,
 * arXiv:2107.03374, via `eval/metrics`). Sampling is seeded, so two evaluations of the same
 * weights agree exactly. Problems are sent in chunks to bound the engine's batch.
 */
export async function evaluateHeldOut(options: {
  client: EngineClient;
  codec: TextCodec;
  source: ProblemSource;
  problems?: Problem[];
  encodePrompt: (problem: Problem) => number[];
  samples: number;
  maxTokens: number;
  temperature: number;
  seed: number;
  chunkSize?: number;
  /** Multi-turn tool rollouts, as in training (`tools` in the config). */
  tools?: ToolRuntime;
}): Promise<HeldOutResult> {
  const started = performance.now();
  const problems = options.problems ?? options.source.heldOut;
  const chunkSize = options.chunkSize ?? 64;
  const correctCounts: number[] = [];
  let lengthSum = 0;
  for (let start = 0; start < problems.length; start += chunkSize) {
    const chunk = problems.slice(start, start + chunkSize);
    if (options.tools !== undefined) {
      const { groups } = await sampleToolGroups({
        ...options,
        problems: chunk,
        promptTokens: chunk.map((problem) => options.encodePrompt(problem)),
        groupSize: options.samples,
        sampling: {
          maxTokens: options.maxTokens,
          temperature: options.temperature,
          topP: 1,
          topK: 0,
          seed: options.seed + start,
        },
        grade: (items) => options.source.grade(items),
        rewarder: (facts) => facts.map(() => ({ terms: {}, total: 0 })),
        tools: options.tools,
      });
      for (const group of groups) {
        lengthSum += group.samples.reduce((sum, sample) => sum + sample.tokens.length, 0);
        correctCounts.push(group.samples.filter((sample) => sample.correct).length);
      }
      continue;
    }
    const response = await options.client.sample({
      prompts: chunk.map((problem) => options.encodePrompt(problem)),
      num_samples: options.samples,
      sampling_params: {
        max_tokens: options.maxTokens,
        temperature: options.temperature,
        stop_token_ids: options.codec.stopTokenIds,
        seed: options.seed + start,
      },
    });
    const items = response.samples.flatMap((group, index) =>
      group.map((sample) => {
        lengthSum += sample.tokens.length;
        return { problem: chunk[index], response: responseText(options.codec, sample.tokens) };
      }),
    );
    const correct = await options.source.grade(items);
    for (let index = 0; index < chunk.length; index++) {
      const slice = correct.slice(index * options.samples, (index + 1) * options.samples);
      correctCounts.push(slice.filter(Boolean).length);
    }
  }
  const passes: Record<string, number> = {};
  for (const k of reportedKs(options.samples)) {
    const values = correctCounts.map((count) => passAtK(options.samples, count, k));
    passes[String(k)] =
      values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
  }
  return {
    passAtK: passes,
    problems: problems.length,
    samples: options.samples,
    responseLengthMean: problems.length === 0 ? 0 : lengthSum / (problems.length * options.samples),
    seconds: (performance.now() - started) / 1000,
  };
}
