import type { Problem } from "../../data/types.js";
import type { EngineClient } from "../../engine/client.js";
import type { SampledGroup, SampleTools, ScoredSample, TextCodec } from "./types.js";

export interface SamplingOptions {
  maxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  seed: number;
}

/** What a reward function gets to know about one response (the loop computed it; rewards stay pure). */
export interface ResponseFacts {
  problem: Problem;
  text: string;
  correct: boolean;
  length: number;
  stopReason: "stop" | "length";
  /** Tool use, when rollouts are multi-turn with tools. */
  tools?: SampleTools;
}

/** Reward terms of the responses of one group (group-aware rewards see all of them). */
export type GroupRewarder = (facts_N: ResponseFacts[]) => { terms: Record<string, number>; total: number }[];

/** A sampled response before grading: the engine's, or a multi-turn tool rollout's (`tools/`). */
export interface RawSample {
  tokens: number[];
  logprobs: number[];
  stop_reason: "stop" | "length";
  sampledMask?: number[];
  tools?: ResponseFacts["tools"];
}

/** The response without its stop token, decoded. */
export function responseText(codec: TextCodec, tokens: number[]): string {
  const last = tokens[tokens.length - 1];
  const body = last !== undefined && codec.stopTokenIds.includes(last) ? tokens.slice(0, -1) : tokens;
  return codec.decode(body);
}

/** What sampling a batch of groups needs: the engine, the codec, the prompts, grading and rewards. */
export interface SampleGroupsOptions {
  client: Pick<EngineClient, "sample">;
  codec: TextCodec;
  problems: Problem[];
  promptTokens: number[][];
  groupSize: number;
  sampling: SamplingOptions;
  grade: (items: { problem: Problem; response: string }[]) => Promise<boolean[]>;
  rewarder: GroupRewarder;
}

/**
 * Samples `groupSize` responses for each prompt in one engine call, decodes them, grades them with
 * `grade`, and scores them with `rewarder`. Deterministic for a given seed and policy.
 */
export async function sampleGroups(
  options: SampleGroupsOptions,
): Promise<{ groups: SampledGroup[]; samplingSeconds: number; gradingSeconds: number }> {
  const { client, codec, promptTokens, groupSize, sampling } = options;
  const started = performance.now();
  const response = await client.sample({
    prompts: promptTokens,
    num_samples: groupSize,
    sampling_params: {
      max_tokens: sampling.maxTokens,
      temperature: sampling.temperature,
      top_p: sampling.topP,
      top_k: sampling.topK,
      stop_token_ids: codec.stopTokenIds,
      seed: sampling.seed,
    },
  });
  const sampled = performance.now();
  const groups = await scoreGroups({ ...options, samples_G_N: response.samples });
  return {
    groups,
    samplingSeconds: (sampled - started) / 1000,
    gradingSeconds: (performance.now() - sampled) / 1000,
  };
}

/** Decodes, grades (`grade`) and scores (`rewarder`) sampled groups. */
export async function scoreGroups(options: {
  codec: TextCodec;
  problems: Problem[];
  promptTokens: number[][];
  samples_G_N: RawSample[][];
  grade: (items: { problem: Problem; response: string }[]) => Promise<boolean[]>;
  rewarder: GroupRewarder;
}): Promise<SampledGroup[]> {
  const { codec, problems, promptTokens } = options;
  const texts_G_N = options.samples_G_N.map((group) =>
    group.map((sample) => responseText(codec, sample.tokens)),
  );
  const items = texts_G_N.flatMap((texts, group) =>
    texts.map((text) => ({ problem: problems[group], response: text })),
  );
  const correct = await options.grade(items);
  let offset = 0;
  return options.samples_G_N.map((group, groupIndex): SampledGroup => {
    const facts_N = group.map(
      (sample, index): ResponseFacts => ({
        problem: problems[groupIndex],
        text: texts_G_N[groupIndex][index],
        correct: correct[offset + index],
        length: sample.tokens.length,
        stopReason: sample.stop_reason,
        ...(sample.tools && { tools: sample.tools }),
      }),
    );
    offset += group.length;
    const rewards = options.rewarder(facts_N);
    const samples = group.map(
      (sample, index): ScoredSample => ({
        tokens: sample.tokens,
        logprobs: sample.logprobs,
        ...(sample.sampledMask && { sampledMask: sample.sampledMask }),
        ...(sample.tools && { tools: sample.tools }),
        stopReason: sample.stop_reason,
        text: facts_N[index].text,
        correct: facts_N[index].correct,
        rewardTerms: rewards[index].terms,
        reward: rewards[index].total,
      }),
    );
    return { problem: problems[groupIndex], promptTokens: promptTokens[groupIndex], samples };
  });
}
