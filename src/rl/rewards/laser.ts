import { numberOption } from "../validate.js";
import type { RewardFunction, RewardSample } from "./types.js";

/**
 * LASER length-based step reward — Liu et al. 2025, "Learn to Reason Efficiently with Adaptive
 * Length-based Reward Shaping", arXiv:2505.15612 §3: a bonus α for a correct response within the
 * target length L_T (to be added to correctness):   r = α · 𝟙[correct] · 𝟙[len ≤ L_T].
 * Options targetLength (L_T, required), alpha (default 0.5).
 */
export const laserReward: RewardFunction = (group_N, options) => {
  if (options.targetLength === undefined)
    throw new Error("options.targetLength is required by the laser reward");
  const targetLength = numberOption(options, "targetLength", 0, 0);
  const alpha = numberOption(options, "alpha", 0.5);
  return group_N.map((sample) => (sample.correct && sample.responseLength <= targetLength ? alpha : 0));
};

export type Difficulty = "easy" | "medium" | "hard";

/** LASER-D difficulty of a group from its solve rate: easy ≥ easyAbove, hard ≤ hardBelow, else medium. */
export function difficultyOf(solveRate: number, easyAbove = 2 / 3, hardBelow = 1 / 3): Difficulty {
  if (solveRate >= easyAbove) return "easy";
  if (solveRate <= hardBelow) return "hard";
  return "medium";
}

/**
 * LASER-D (dynamic, difficulty-aware) — arXiv:2505.15612 §4: the LASER step reward with a target length
 * per difficulty bucket, the bucket chosen by the group's solve rate:
 *   r = α · 𝟙[correct] · 𝟙[len ≤ L_T(difficulty(p̂))].
 * Options targetLengths {easy, medium, hard} (required; adapt them with `laserTargetLength`), alpha
 * (default 0.5), easyAbove (2/3), hardBelow (1/3).
 */
export const laserDReward: RewardFunction = (group_N, options) => {
  const targets = options.targetLengths as Record<Difficulty, number> | undefined;
  if (targets === undefined || typeof targets !== "object") {
    throw new Error("options.targetLengths ({ easy, medium, hard }) is required by the laser_d reward");
  }
  const solveRate =
    group_N.length === 0 ? 0 : group_N.filter((sample) => sample.correct).length / group_N.length;
  const difficulty = difficultyOf(
    solveRate,
    numberOption(options, "easyAbove", 2 / 3, 0, 1),
    numberOption(options, "hardBelow", 1 / 3, 0, 1),
  );
  const targetLength = numberOption(targets as unknown as Record<string, unknown>, difficulty, 0, 0);
  return laserReward(group_N, { alpha: options.alpha, targetLength });
};

/**
 * LASER-D's adaptive target of one difficulty bucket (arXiv:2505.15612 §4, "expected correct responses"):
 * over monitored samples of the bucket, the smallest length L such that K rollouts are expected to
 * contain at least one correct response no longer than L:  K · #{correct, len ≤ L} / #samples ≥ 1.
 * Returns the longest monitored length when no L qualifies, 0 for no samples.
 */
export function laserTargetLength(samples: RewardSample[], rollouts: number): number {
  if (!Number.isInteger(rollouts) || rollouts < 1)
    throw new Error(`rollouts must be a positive integer, got ${rollouts}`);
  if (samples.length === 0) return 0;
  const correctLengths = samples
    .filter((sample) => sample.correct)
    .map((sample) => sample.responseLength)
    .sort((left, right) => left - right);
  for (let index = 0; index < correctLengths.length; index++) {
    if ((rollouts * (index + 1)) / samples.length >= 1) return correctLengths[index];
  }
  return Math.max(...samples.map((sample) => sample.responseLength));
}
