import { assertMatrix, lookup, numberOption } from "../validate.js";

/** Which groups a filter keeps (indices into rewards_G_N, in order) and what it reports. */
export interface FilterResult {
  kept: number[];
  dropped: number;
  metrics: Record<string, number>;
}

/** A batch filter: decides from the rewards of each group which groups go into the update. */
export type BatchFilter = (rewards_G_N: number[][], options: Record<string, unknown>) => FilterResult;

/** Pass rate of a group: the fraction of rewards above `threshold`; 0 for an empty group. */
export function passRate(rewards_N: number[], threshold = 0.5): number {
  if (rewards_N.length === 0) return 0;
  return rewards_N.filter((reward) => reward > threshold).length / rewards_N.length;
}

/**
 * DAPO dynamic sampling — Yu et al. 2025, arXiv:2503.14476 §3.2: drop groups whose rewards are all
 * equal (all correct or all wrong: zero group-relative advantage, no gradient), keep the rest:
 *   keep g  ⇔  max(r_g) − min(r_g) > tolerance (default 0).
 * Option strategy: "all_equal" (default, DAPO), "all_correct" (drop only uniform groups that are solved,
 * keep all-wrong ones — for `ngrpo`, whose virtual max-reward sample gives them a signal; the NGRPO
 * authors' scripts use this), "all_wrong". A uniform group counts as correct when its rewards are > 0.5.
 * Reports dropped, droppedAllCorrect and droppedAllWrong; the loop samples more prompts to fill the batch.
 */
export const dynamicSampling: BatchFilter = (rewards_G_N, options) => {
  const tolerance = numberOption(options, "tolerance", 0, 0);
  const strategy = options.strategy ?? "all_equal";
  if (strategy !== "all_equal" && strategy !== "all_correct" && strategy !== "all_wrong") {
    throw new Error(
      `options.strategy must be "all_equal", "all_correct" or "all_wrong", got ${String(strategy)}`,
    );
  }
  const kept: number[] = [];
  let allCorrect = 0;
  let allWrong = 0;
  rewards_G_N.forEach((rewards_N, group) => {
    const spread = rewards_N.length === 0 ? 0 : Math.max(...rewards_N) - Math.min(...rewards_N);
    const solved = passRate(rewards_N) === 1;
    const drop = spread <= tolerance && (strategy === "all_equal" || (strategy === "all_correct") === solved);
    if (!drop) kept.push(group);
    else if (solved) allCorrect++;
    else allWrong++;
  });
  const dropped = rewards_G_N.length - kept.length;
  return { kept, dropped, metrics: { dropped, droppedAllCorrect: allCorrect, droppedAllWrong: allWrong } };
};

/**
 * Balanced online difficulty filtering — Bae et al. 2025, "Online Difficulty Filtering for Reasoning
 * Oriented Reinforcement Learning", arXiv:2504.03380: keep groups whose pass rate p̂ lies in [lo, hi]
 * (defaults 0.25 and 0.75 as the paper); p̂ counts rewards above correctThreshold (default 0.5).
 */
export const difficultyFilter: BatchFilter = (rewards_G_N, options) => {
  const low = numberOption(options, "low", 0.25, 0, 1);
  const high = numberOption(options, "high", 0.75, low, 1);
  const threshold = numberOption(options, "correctThreshold", 0.5);
  const kept: number[] = [];
  let tooEasy = 0;
  let tooHard = 0;
  rewards_G_N.forEach((rewards_N, group) => {
    const rate = passRate(rewards_N, threshold);
    if (rate < low) tooHard++;
    else if (rate > high) tooEasy++;
    else kept.push(group);
  });
  const dropped = rewards_G_N.length - kept.length;
  return { kept, dropped, metrics: { dropped, droppedTooEasy: tooEasy, droppedTooHard: tooHard } };
};

/** Batch filters by config name (`filter`). */
export const batchFilters = new Map<string, BatchFilter>([
  ["dynamic_sampling", dynamicSampling],
  ["difficulty", difficultyFilter],
]);

/** Runs the named filter (`options.filter`) over the rewards of a batch. */
export function filterBatch(
  rewards_G_N: number[][],
  options: { filter: string; [key: string]: unknown },
): FilterResult {
  if (options === null || typeof options !== "object") throw new Error("options must be an object");
  const filter = lookup(batchFilters, "options.filter (batch filter)", options.filter);
  assertMatrix("rewards", rewards_G_N);
  return filter(rewards_G_N, options);
}
