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

/** LASER-D difficulty of a group from its solve rate: easy ≥ easyAbove, hard < hardBelow, else medium. */
export function difficultyOf(solveRate: number, easyAbove = 2 / 3, hardBelow = 1 / 3): Difficulty {
  if (solveRate >= easyAbove) return "easy";
  if (solveRate < hardBelow) return "hard";
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
 * LASER-D's adaptive target of one difficulty bucket (arXiv:2505.15612 §4; the authors' code). Over the
 * bucket's monitored samples, coverage(L) = #{correct, len ≤ L} / #{correct}. A bucket's groups have at
 * least n_min correct responses out of K rollouts (easy ⌊2K/3⌋, medium ⌊K/3⌋, hard 1); the target is the
 * smallest candidate L with ⌊coverage(L)·n_min⌋ ≥ expectedCorrect (default 1), i.e. at least one correct
 * response is still expected within L. Candidates default to the correct lengths seen; no candidate (or
 * no correct sample) → `fallback` (default: the longest monitored length).
 */
export function laserTargetLength(
  samples: RewardSample[],
  options: {
    rollouts: number;
    difficulty: Difficulty;
    candidates?: number[];
    expectedCorrect?: number;
    fallback?: number;
  },
): number {
  const { rollouts, difficulty } = options;
  if (!Number.isInteger(rollouts) || rollouts < 1)
    throw new Error(`options.rollouts must be a positive integer, got ${rollouts}`);
  if (!["easy", "medium", "hard"].includes(difficulty))
    throw new Error(`options.difficulty must be easy, medium or hard`);
  const minimumCorrect = { easy: Math.floor((2 * rollouts) / 3), medium: Math.floor(rollouts / 3), hard: 1 }[
    difficulty
  ];
  const correctLengths = samples.filter((sample) => sample.correct).map((sample) => sample.responseLength);
  const fallback = options.fallback ?? Math.max(0, ...samples.map((sample) => sample.responseLength));
  if (correctLengths.length === 0) return fallback;
  const candidates = [...(options.candidates ?? correctLengths)].sort((left, right) => left - right);
  const expectedCorrect = options.expectedCorrect ?? 1;
  for (const length of candidates) {
    const coverage =
      correctLengths.filter((correctLength) => correctLength <= length).length / correctLengths.length;
    if (Math.floor(coverage * minimumCorrect) >= expectedCorrect) return length;
  }
  return fallback;
}
