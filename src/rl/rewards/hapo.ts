import { numberOption } from "../validate.js";
import type { RewardFunction, RewardSample } from "./types.js";

/**
 * HAPO history-aware length reward — Huang, Zhang & Cardie 2025, arXiv:2505.11225. The history h of a
 * problem is the shortest correct response length seen so far in training (option historyLength;
 * absent before the first correct response → reward 0). With f = cos(min(π/2 · len/h, π)):
 *   r = max(f, floor) if correct (shorter than h → up to +1, longer → down to the floor),
 *   r = min(f, 0) if wrong (a short wrong answer is not rewarded, a long one is penalised down to −1).
 * The floor (option correctFloor, default −0.7 as the authors' code) keeps every correct response above
 * every wrong one once correctness (weight 1) is added.
 */
export const hapoReward: RewardFunction = (group_N, options) => {
  if (options.historyLength === undefined) return group_N.map(() => 0);
  const history = numberOption(options, "historyLength", 1, Number.MIN_VALUE);
  const correctFloor = numberOption(options, "correctFloor", -0.7, -1, 0);
  return group_N.map((sample) => {
    const shape = Math.cos(Math.min((Math.PI / 2) * (sample.responseLength / history), Math.PI));
    return sample.correct ? Math.max(shape, correctFloor) : Math.min(shape, 0);
  });
};

/** The new HAPO history of a problem: the shortest of `previous` and this group's correct lengths. */
export function updateHapoHistory(previous: number | undefined, group_N: RewardSample[]): number | undefined {
  let shortest = previous;
  for (const sample of group_N) {
    if (sample.correct && (shortest === undefined || sample.responseLength < shortest)) {
      shortest = sample.responseLength;
    }
  }
  return shortest;
}
