import { mixSeed } from "../../data/tasks/random.js";
import type { Problem } from "../../data/types.js";
import type { EngineClient } from "../../engine/client.js";
import { computeAdvantages } from "../advantages/registry.js";
import { computeStepAdvantages, stepAdvantageEstimators } from "../advantages/step-estimators.js";
import type { PolicyLossOptions } from "../losses/types.js";
import { buildSequences } from "./batch.js";
import type { TrainConfig } from "./config.js";
import { type LoopState, problemKey } from "./loop-state.js";
import type { RolloutPipeline } from "./rollout/pipeline.js";
import type { RolloutSampler } from "./rollout/remote-sampler.js";
import { type GroupRewarder, sampleGroups } from "./rollouts.js";
import { chooseProblems, recordPassRates, replaySequences } from "./selection.js";
import { sampleToolGroups, type ToolRuntime } from "./tools/engine-rollout.js";
import { toolMetrics } from "./tools/runtime.js";
import type { ProblemSource, SampledGroup, StepMetrics, TextCodec } from "./types.js";
import { updatePolicy } from "./update.js";

/** Seed stream of the step's sampling (the minimal loop draws from the same one). */
export const SAMPLE_STREAM = 0x5a3b;

/** Everything a step needs, built once per run. */
export interface StepContext {
  config: TrainConfig;
  client: EngineClient;
  codec: TextCodec;
  source: ProblemSource;
  encodePrompt: (problem: Problem) => number[];
  /** Reward terms of a group; reads the per-prompt histories it needs from the loop state. */
  rewarder: (facts: Parameters<GroupRewarder>[0], state: LoopState) => ReturnType<GroupRewarder>;
  /** Folds a sampled group into the reward histories of the loop state (HAPO). */
  recordRewardHistory: (group: SampledGroup, state: LoopState) => void;
  /** Which groups to keep (DAPO dynamic sampling, difficulty filters); all when no filter is set. */
  keepGroups: (rewards_G_N: number[][]) => boolean[];
  learningRateAt: (step: number) => number;
  useReference: boolean;
  /** Rollouts on inference servers (`rollout.backend: "openai"`); absent: the engine samples. */
  rollout?: RolloutPipeline;
  /** Multi-turn tool rollouts (`tools` in the config): the run's sandbox and format. */
  tools?: ToolRuntime;
  /** Carried across steps and saved in checkpoints (`loop-state.ts`). */
  state: LoopState;
}

export interface StepResult {
  metrics: StepMetrics;
  groups: SampledGroup[];
  advantages_G_N: number[][];
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Samples one round of groups (round > 0: refill after dropped groups) with `sampler` (default: the engine). */
export async function sampleRound(
  context: StepContext,
  step: number,
  round: number,
  count: number,
  sampler: RolloutSampler = context.client,
) {
  const { config, state } = context;
  const problems = chooseProblems(config, state, (drawn) => context.source.batch(step, drawn, round), count, [
    step,
    round,
  ]);
  const options = {
    client: sampler,
    codec: context.codec,
    problems,
    promptTokens: problems.map((problem) => context.encodePrompt(problem)),
    groupSize: config.groupSize,
    sampling: { ...config.sampling, seed: mixSeed(config.seed, SAMPLE_STREAM, step, round) },
    grade: (items: Parameters<ProblemSource["grade"]>[0]) => context.source.grade(items),
    rewarder: (facts: Parameters<GroupRewarder>[0]) => context.rewarder(facts, state),
  };
  return context.tools === undefined
    ? sampleGroups(options)
    : sampleToolGroups({ ...options, tools: context.tools });
}

/** Advantages of the kept groups through the outcome registry or the step estimators (tokens, state). */
function advantagesOf(context: StepContext, kept: SampledGroup[]) {
  const { advantage } = context.config;
  const rewards_G_N = kept.map((group) => group.samples.map((sample) => sample.reward));
  if (kept.length === 0) return { advantages_G_N: [] as number[][] };
  if (!stepAdvantageEstimators.has(advantage.estimator)) {
    return {
      advantages_G_N: computeAdvantages(rewards_G_N, {
        ...advantage.options,
        estimator: advantage.estimator,
      }),
    };
  }
  const result = computeStepAdvantages(advantage.estimator, {
    rewards_G_N,
    tokens_G_N_T: kept.map((group) => group.samples.map((sample) => sample.tokens)),
    keys_G: kept.map((group) => problemKey(group.problem)),
    state: context.state.advantage,
    options: advantage.options,
  });
  if (result.state !== undefined) context.state.advantage = result.state;
  return result;
}

/**
 * One RLVR step: sample G groups of N → grade → rewards → filter (refilling dropped groups for up
 * to `refill` rounds, DAPO arXiv:2503.14476 §3.2; then from the replay buffer when configured) →
 * advantages → coefficients → update.
 */
export async function trainStep(context: StepContext, step: number): Promise<StepResult> {
  const { config, state } = context;
  const started = performance.now();
  const sampled: SampledGroup[] = [];
  const kept: SampledGroup[] = [];
  let samplingSeconds = 0;
  let gradingSeconds = 0;
  let toolSeconds = 0;
  for (let round = 0; round <= config.refill && kept.length < config.promptsPerStep; round++) {
    const count = config.promptsPerStep - kept.length;
    const result = await (context.rollout?.sampleRound(step, round, count) ??
      sampleRound(context, step, round, count));
    samplingSeconds += result.samplingSeconds;
    gradingSeconds += result.gradingSeconds;
    if ("toolSeconds" in result && typeof result.toolSeconds === "number") toolSeconds += result.toolSeconds;
    const keep = context.keepGroups(
      result.groups.map((group) => group.samples.map((sample) => sample.reward)),
    );
    sampled.push(...result.groups);
    kept.push(...result.groups.filter((_, index) => keep[index]));
  }
  for (const group of sampled) context.recordRewardHistory(group, state);
  recordPassRates(config, state, sampled);
  const { advantages_G_N, tokenAdvantages_G_N_T } = advantagesOf(context, kept);
  const fresh = buildSequences(kept, advantages_G_N, {
    maskTruncated: config.maskTruncated,
    maskVoidTurns: config.tools?.maskVoidTurns,
    tokenAdvantages_G_N_T,
  });
  const replayed = replaySequences(config, state, fresh, config.promptsPerStep - kept.length, step);
  const sequences = [...fresh, ...replayed];
  const trainingStarted = performance.now();
  const training =
    sequences.length === 0
      ? {}
      : await updatePolicy({
          client: context.client,
          sequences,
          loss: lossOptions(config),
          entropyCoef: config.loss.entropyCoef,
          temperature: config.sampling.temperature,
          ppoEpochs: config.ppoEpochs,
          miniBatches: config.miniBatches,
          learningRate: context.learningRateAt(step),
          adam: config.optimizer,
          gradClip: config.optimizer.gradClip,
          useReference: context.useReference,
          rolloutCorrection: config.rolloutCorrection,
        });
  const trainingSeconds = (performance.now() - trainingStarted) / 1000;
  const metrics: StepMetrics = {
    step,
    ...rolloutMetrics(sampled),
    ...(context.tools === undefined ? {} : toolMetrics(sampled, toolSeconds)),
    groupsSampled: sampled.length,
    groupsKept: kept.length,
    groupsDropped: sampled.length - kept.length,
    ...(config.replay === undefined
      ? {}
      : { replayedSequences: replayed.length, replayBufferSize: state.replay?.items.length ?? 0 }),
    maskedSequences: fresh.filter((sequence) => sequence.lossMask === 0).length,
    learningRate: context.learningRateAt(step),
    ...training,
    samplingSeconds,
    gradingSeconds,
    trainingSeconds,
    stepSeconds: (performance.now() - started) / 1000,
  };
  metrics.tokensPerSecond = (metrics.responseTokens + metrics.promptTokens) / metrics.stepSeconds;
  const advantagesBySampled = sampled.map((group) => {
    const index = kept.indexOf(group);
    return index >= 0 ? advantages_G_N[index] : group.samples.map(() => 0);
  });
  return { metrics, groups: sampled, advantages_G_N: advantagesBySampled };
}

/** Policy-loss options from the config (clip values only when set, so each loss keeps its defaults). */
export function lossOptions(config: TrainConfig): PolicyLossOptions {
  const { loss } = config;
  const options: PolicyLossOptions = {
    maxLength: config.sampling.maxTokens,
    ...(loss.options as Partial<PolicyLossOptions>),
    loss: loss.name,
    aggregation: loss.aggregation,
    klCoef: loss.klCoef,
    klEstimator: loss.klEstimator,
  };
  if (loss.clipLow !== undefined) options.clipLow = loss.clipLow;
  if (loss.clipHigh !== undefined) options.clipHigh = loss.clipHigh;
  if (loss.dualClip !== undefined) options.dualClip = loss.dualClip;
  return options;
}

/**
 * Statistics of the sampled groups: reward and accuracy means, response lengths, truncation rate,
 * the fraction of groups whose rewards are all equal (no GRPO signal), and the entropy estimate
 * H ≈ −mean log π_T(sampled token) (Monte-Carlo estimate of the per-token entropy of the sampling policy).
 */
export function rolloutMetrics(groups: SampledGroup[]): Record<string, number> {
  const samples = groups.flatMap((group) => group.samples);
  const lengths = samples.map((sample) => sample.tokens.length);
  // Only sampled tokens: tool-output tokens carry no sampler log-prob.
  const logprobs = samples.flatMap((sample) =>
    sample.logprobs.filter((_, token) => (sample.sampledMask?.[token] ?? 1) === 1),
  );
  const zeroVariance = groups.filter((group) =>
    group.samples.every((sample) => sample.reward === group.samples[0].reward),
  ).length;
  return {
    rewardMean: mean(samples.map((sample) => sample.reward)),
    accuracy: mean(samples.map((sample) => (sample.correct ? 1 : 0))),
    responseLengthMean: mean(lengths),
    responseLengthMax: lengths.reduce((maximum, length) => Math.max(maximum, length), 0),
    truncationRate: mean(samples.map((sample) => (sample.stopReason === "length" ? 1 : 0))),
    zeroVarianceFraction: groups.length === 0 ? 0 : zeroVariance / groups.length,
    entropy: -mean(logprobs),
    responseTokens: lengths.reduce((sum, length) => sum + length, 0),
    promptTokens: groups.reduce((sum, group) => sum + group.promptTokens.length * group.samples.length, 0),
  };
}
