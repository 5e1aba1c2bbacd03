/**
 * The RLVR loop in one file, top to bottom — the readable path beside the full trainer (`run.ts`),
 * as tinker-cookbook's `rl/rl_loop.py` sits beside its `train.py` and nanoGPT is one `train.py`.
 * One step: problems → sample G groups of N → grade → rewards → advantages → per-token coefficients
 * c = ∂L/∂logπ → `/forward_backward` (the engine back-propagates Σ w·logπ with w = −c) → `/optim_step`.
 * Every algorithm comes from the registries of `src/rl` (rewards, advantage estimators, policy losses),
 * so on the same config and seed the first steps equal the full loop's (`minimal.test.ts`).
 * What it leaves out (checked by `checkMinimalConfig`): filters and refills, several epochs or
 * mini-batches, the KL and entropy terms, schedules, evaluation, checkpoints and resume.
 *
 * @example
 *   boxed train --minimal --model assets/demo/model --steps 20 --set data.difficulty=2
 */
import { mixSeed } from "../../data/tasks/random.js";
import type { Problem } from "../../data/types.js";
import type { EngineClient } from "../../engine/client.js";
import { computeAdvantages } from "../advantages/registry.js";
import { policyLoss } from "../losses/policy-loss.js";
import { composeRewards } from "../rewards/registry.js";
import type { TrainConfig } from "./config.js";
import { responseText } from "./rollouts.js";
import { lossOptions, SAMPLE_STREAM } from "./step.js";
import type { ProblemSource, TextCodec } from "./types.js";

/** What one step of the minimal loop reports. */
export type MinimalStep = Record<
  "step" | "rewardMean" | "accuracy" | "loss" | "gradNorm" | "seconds",
  number
> & {
  responses: string[];
};

/** Config fields the minimal loop does not implement, each with the value that it assumes. */
const ASSUMED: [string, (config: TrainConfig) => unknown, unknown][] = [
  ["filters", (config) => config.filters.length, 0],
  ["refill", (config) => config.refill, 0],
  ["ppoEpochs", (config) => config.ppoEpochs, 1],
  ["miniBatches", (config) => config.miniBatches, 1],
  ["loss.klCoef", (config) => config.loss.klCoef, 0],
  ["loss.entropyCoef", (config) => config.loss.entropyCoef, 0],
  ["optimizer.schedule", (config) => config.optimizer.schedule, "constant"],
  ["optimizer.warmupSteps", (config) => config.optimizer.warmupSteps, 0],
  ["model.loraRank", (config) => config.model.loraRank, 0],
  ["maskTruncated", (config) => config.maskTruncated, false],
  ["rolloutCorrection", (config) => config.rolloutCorrection ?? null, null],
  ["replay", (config) => config.replay ?? null, null],
  ["data.curriculum", (config) => config.data.curriculum ?? null, null],
  ["rollout.backend", (config) => config.rollout.backend, "engine"],
  ["data.curriculum", (config) => config.data.curriculum ?? null, null],
  ["replay", (config) => config.replay ?? null, null],
  [
    'a "hapo" reward (it needs the loop\'s history)',
    (config) => config.rewards.some((r) => r.name === "hapo"),
    false,
  ],
];

/** Throws, naming every field set to something only the full loop (`boxed train`) implements. */
export function checkMinimalConfig(config: TrainConfig): void {
  const unsupported = ASSUMED.filter(([, read, assumed]) => read(config) !== assumed).map(
    ([name, , assumed]) => `${name} (the minimal loop assumes ${JSON.stringify(assumed)})`,
  );
  if (unsupported.length > 0) {
    throw new Error(
      `--minimal: not implemented here, use boxed train without --minimal: ${unsupported.join("; ")}`,
    );
  }
}

/** The loop itself: `config.steps` steps on a running engine. */
export async function minimalLoop(options: {
  config: TrainConfig;
  client: EngineClient;
  codec: TextCodec;
  encodePrompt: (problem: Problem) => number[];
  source: ProblemSource;
  onStep?: (step: MinimalStep) => void;
}): Promise<MinimalStep[]> {
  const { config, client, codec, source } = options;
  checkMinimalConfig(config);
  const [G, N] = [config.promptsPerStep, config.groupSize];
  const terms = config.rewards.map(({ name, weight, options }) => ({ reward: name, weight, options }));
  const steps: MinimalStep[] = [];
  for (let step = 1; step <= config.steps; step++) {
    const started = performance.now();
    // 1. This step's problems: a pure function of (seed, step), never from the held-out split.
    const problems_G = source.batch(step, G);
    const prompts_G = problems_G.map((problem) => options.encodePrompt(problem));

    // 2. Sample N responses per prompt; the engine returns each token's log π_old (the sampler's).
    const { samples: samples_G_N } = await client.sample({
      prompts: prompts_G,
      num_samples: N,
      sampling_params: {
        max_tokens: config.sampling.maxTokens,
        temperature: config.sampling.temperature,
        top_p: config.sampling.topP,
        top_k: config.sampling.topK,
        stop_token_ids: codec.stopTokenIds,
        seed: mixSeed(config.seed, SAMPLE_STREAM, step, 0),
      },
    });

    // 3. Grade: the task's verifier says whether each response's answer is right.
    const texts_G_N = samples_G_N.map((group) => group.map((sample) => responseText(codec, sample.tokens)));
    const items = texts_G_N.flatMap((texts, g) =>
      texts.map((response) => ({ problem: problems_G[g], response })),
    );
    const correct_S = await source.grade(items);

    // 4. Rewards: the config's weighted terms from the reward registry, one group at a time.
    const rewards_G_N = samples_G_N.map((group, g) => {
      const facts_N = group.map((sample, n) => ({
        correct: correct_S[g * N + n],
        responseLength: sample.tokens.length,
        finishReason: sample.stop_reason,
        text: texts_G_N[g][n],
      }));
      return composeRewards(facts_N, terms).total;
    });

    // 5. Advantages from the estimator registry (GRPO: Â = (r − mean_group) / (std_group + ε)).
    const advantages_G_N = computeAdvantages(rewards_G_N, {
      estimator: config.advantage.estimator,
      ...config.advantage.options,
    });

    // 6. Per-token coefficients c = ∂L/∂logπ of the policy loss. On-policy (one update per batch)
    //    π_θ = π_old before the update, so the sampler's log-probs stand for both (ratio 1).
    const kept = samples_G_N
      .flatMap((group, g) =>
        group.map((sample, n) => ({ prompt: prompts_G[g], sample, advantage: advantages_G_N[g][n] })),
      )
      .filter((item) => item.sample.tokens.length > 0);
    const logprobs_S_T = kept.map((item) => item.sample.logprobs);
    const { loss, coefficients } = policyLoss(
      {
        logprobs: logprobs_S_T,
        oldLogprobs: logprobs_S_T,
        advantages: kept.map((item) => item.sample.logprobs.map(() => item.advantage)),
        mask: kept.map((item) => item.sample.logprobs.map(() => 1)),
      },
      lossOptions(config),
    );

    // 7. One forward+backward on (prompt ++ response): tokens [:-1] predict targets [1:]; the
    //    response's targets start at P − 1 and carry w = −c, the prompt's carry 0.
    const data = kept.map((item, s) => {
      const full = [...item.prompt, ...item.sample.tokens];
      const weights = new Array<number>(full.length - 1).fill(0);
      coefficients[s].forEach((c, t) => {
        weights[item.prompt.length - 1 + t] = c === 0 ? 0 : -c;
      });
      return { tokens: full.slice(0, -1), target_tokens: full.slice(1), weights };
    });
    // Log-probs are of π_T (logits / T), as the sampler recorded them.
    if (data.length > 0) await client.forwardBackward({ data, temperature: config.sampling.temperature });

    // 8. AdamW on the accumulated gradient, clipped to the config's norm.
    const update = await client.optimStep({
      adam_params: {
        learning_rate: config.optimizer.learningRate,
        beta1: config.optimizer.beta1,
        beta2: config.optimizer.beta2,
        weight_decay: config.optimizer.weightDecay,
      },
      grad_clip_norm: config.optimizer.gradClip,
    });

    const rewardMean = rewards_G_N.flat().reduce((sum, value) => sum + value, 0) / (G * N);
    const accuracy = correct_S.filter(Boolean).length / correct_S.length;
    const seconds = (performance.now() - started) / 1000;
    steps.push({
      step,
      rewardMean,
      accuracy,
      loss,
      gradNorm: update.grad_norm,
      responses: texts_G_N.flat(),
      seconds,
    });
    options.onStep?.(steps[steps.length - 1]);
  }
  return steps;
}
