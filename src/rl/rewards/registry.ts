import { assertFiniteNumber, lookup } from "../validate.js";
import { correctnessReward, formatReward } from "./correctness.js";
import { adaptiveLengthPenalty, kimiLengthReward } from "./group-length.js";
import { hapoReward } from "./hapo.js";
import { labelFreeReward } from "./label-free.js";
import { laserDReward, laserReward } from "./laser.js";
import { overlongReward } from "./overlong.js";
import { repetitionPenalty } from "./repetition.js";
import { toolErrorReward, voidTurnReward } from "./tools.js";
import type { RewardFunction, RewardSample } from "./types.js";

/** Rewards by config name (`rewards[].reward`). */
export const rewardFunctions = new Map<string, RewardFunction>([
  ["correctness", correctnessReward],
  ["format", formatReward],
  ["overlong", overlongReward],
  ["kimi_length", kimiLengthReward],
  ["laser", laserReward],
  ["laser_d", laserDReward],
  ["hapo", hapoReward],
  ["adaptive_length", adaptiveLengthPenalty],
  ["repetition", repetitionPenalty],
  ["label_free", labelFreeReward],
  ["tool_error", toolErrorReward],
  ["void_turn", voidTurnReward],
]);

/** One term of a weighted reward: a registered reward, its weight (default 1), its options. */
export interface RewardTerm {
  reward: string;
  /** Key of the term in the result (default: the reward name). */
  name?: string;
  weight?: number;
  options?: Record<string, unknown>;
}

function validateGroup(group_N: RewardSample[]): void {
  if (!Array.isArray(group_N)) throw new Error("group must be an array of samples");
  group_N.forEach((sample, index) => {
    if (sample === null || typeof sample !== "object") throw new Error(`group[${index}] must be an object`);
    if (typeof sample.correct !== "boolean") throw new Error(`group[${index}].correct must be a boolean`);
    if (!Number.isInteger(sample.responseLength) || sample.responseLength < 0) {
      throw new Error(
        `group[${index}].responseLength must be a non-negative integer, got ${sample.responseLength}`,
      );
    }
    if (typeof sample.text !== "string") throw new Error(`group[${index}].text must be a string`);
    if (typeof sample.finishReason !== "string")
      throw new Error(`group[${index}].finishReason must be a string`);
  });
}

/**
 * Weighted composition of rewards over one group:  total_i = Σ_k weight_k · reward_k(group)_i.
 * Returns the total and each term by name (the `rewards` record of a Rollout).
 *
 * @example composeRewards(group, [{ reward: "correctness" }, { reward: "format", weight: 0.1 }])
 */
export function composeRewards(
  group_N: RewardSample[],
  terms: RewardTerm[],
): { total: number[]; terms: Record<string, number[]> } {
  validateGroup(group_N);
  if (!Array.isArray(terms) || terms.length === 0) throw new Error("terms must be a non-empty array");
  const total = group_N.map(() => 0);
  const byName: Record<string, number[]> = {};
  for (const [index, term] of terms.entries()) {
    const reward = lookup(rewardFunctions, `terms[${index}].reward`, term.reward);
    const weight = term.weight ?? 1;
    assertFiniteNumber(`terms[${index}].weight`, weight);
    const values = reward(group_N, term.options ?? {});
    const name = term.name ?? term.reward;
    if (name in byName)
      throw new Error(`terms[${index}] repeats the name "${name}"; give it a distinct name`);
    byName[name] = values;
    values.forEach((value, sample) => {
      total[sample] += weight * value;
    });
  }
  return { total, terms: byName };
}
