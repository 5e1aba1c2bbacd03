import { assertMatrix, lookup } from "../validate.js";
import { grpoAdvantages } from "./grpo.js";
import { type SpoTracker, spoAdvantages } from "./spo.js";
import { tempoAdvantages } from "./tempo.js";

/**
 * Estimators that need more than one batch's rewards: the response tokens (token-level credit) or a
 * state carried from step to step (a per-prompt value). The training loop passes each group's
 * response tokens and a stable key of its prompt, and keeps the returned `state` (it is saved in
 * checkpoints, so it must be plain JSON).
 */
export interface StepAdvantageInput {
  rewards_G_N: number[][];
  /** Response token ids, [group][sample][token]. */
  tokens_G_N_T: number[][][];
  /** One stable key per group: the same prompt gets the same key at every step. */
  keys_G: string[];
  /** What this estimator returned as `state` last step; undefined at the first step. */
  state: unknown;
  options: Record<string, unknown>;
}

export interface StepAdvantageResult {
  /** One advantage per sample (logged; the loss uses `tokenAdvantages_G_N_T` when present). */
  advantages_G_N: number[][];
  tokenAdvantages_G_N_T?: number[][][];
  state?: unknown;
}

export type StepAdvantageEstimator = (input: StepAdvantageInput) => StepAdvantageResult;

/** TEMPO (arXiv:2509.18314): per-token advantages from the group's prefix tree; per sample, GRPO's. */
const tempo: StepAdvantageEstimator = ({ rewards_G_N, tokens_G_N_T, options }) => ({
  advantages_G_N: grpoAdvantages(rewards_G_N, { estimator: "grpo", epsilon: options.epsilon as number }),
  tokenAdvantages_G_N_T: tempoAdvantages(tokens_G_N_T, rewards_G_N, options),
});

/** SPO (arXiv:2509.13232): A = r − v̂(prompt) with a per-prompt Beta tracker carried across steps. */
const spo: StepAdvantageEstimator = ({ rewards_G_N, keys_G, state, options }) => {
  const samples = rewards_G_N.flatMap((rewards_N, group) =>
    rewards_N.map((reward) => ({ problemId: keys_G[group], reward })),
  );
  const result = spoAdvantages(samples, (state as SpoTracker | undefined) ?? {}, options);
  let next = 0;
  const advantages_G_N = rewards_G_N.map((rewards_N) => rewards_N.map(() => result.advantages[next++]));
  return { advantages_G_N, state: result.tracker };
};

/** Token-level and stateful estimators by config name (`advantage.estimator`). */
export const stepAdvantageEstimators = new Map<string, StepAdvantageEstimator>([
  ["tempo", tempo],
  ["spo", spo],
]);

/** Runs the named step estimator after checking the shapes of its input. */
export function computeStepAdvantages(name: string, input: StepAdvantageInput): StepAdvantageResult {
  const estimator = lookup(stepAdvantageEstimators, "advantage.estimator (step estimator)", name);
  assertMatrix("rewards", input.rewards_G_N);
  if (input.keys_G.length !== input.rewards_G_N.length) {
    throw new Error(
      `keys has ${input.keys_G.length} entries but rewards has ${input.rewards_G_N.length} groups`,
    );
  }
  return estimator(input);
}
