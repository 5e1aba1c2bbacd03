import { updateHapoHistory } from "../rewards/hapo.js";
import { composeRewards, type RewardTerm } from "../rewards/registry.js";
import type { RewardSample } from "../rewards/types.js";
import { scheduleValue } from "../schedules/schedules.js";
import { filterBatch } from "../select/filters.js";
import type { TrainConfig } from "./config.js";
import { type LoopState, problemKey } from "./loop-state.js";
import type { ResponseFacts } from "./rollouts.js";
import type { SampledGroup } from "./types.js";

/** The config's names resolved through the rl registries (rewards, batch filters, schedules). */
export interface Algorithms {
  rewarder: (
    facts_N: ResponseFacts[],
    state: LoopState,
  ) => { terms: Record<string, number>; total: number }[];
  recordRewardHistory: (group: SampledGroup, state: LoopState) => void;
  keepGroups: (rewards_G_N: number[][]) => boolean[];
  learningRateAt: (step: number) => number;
}

/**
 * Rewards that need the prompt's training history: HAPO (arXiv:2505.11225) rewards lengths relative
 * to the shortest correct response seen so far for the prompt, its option `historyLength`, which the
 * loop keeps in `LoopState.hapoHistory` (absent before the first correct response → reward 0).
 */
const HISTORY_REWARD = "hapo";

function rewardSamples(facts_N: ResponseFacts[]): RewardSample[] {
  return facts_N.map((facts) => ({
    correct: facts.correct,
    responseLength: facts.length,
    finishReason: facts.stopReason,
    text: facts.text,
    ...(facts.tools && { tools: facts.tools }),
  }));
}

function rewardTerms(config: TrainConfig, history: number | undefined): RewardTerm[] {
  return config.rewards.map((term) => ({
    reward: term.name,
    weight: term.weight,
    options:
      term.name === HISTORY_REWARD && history !== undefined
        ? { ...term.options, historyLength: history }
        : term.options,
  }));
}

/** Whether group `rewards_G_N[g]` survives every configured filter, in order. */
function keepGroupsWith(config: TrainConfig) {
  return (rewards_G_N: number[][]): boolean[] => {
    let kept = rewards_G_N.map((_, index) => index);
    for (const filter of config.filters) {
      const result = filterBatch(
        kept.map((index) => rewards_G_N[index]),
        { ...filter.options, filter: filter.name },
      );
      kept = result.kept.map((position) => kept[position]);
    }
    const keptSet = new Set(kept);
    return rewards_G_N.map((_, index) => keptSet.has(index));
  };
}

/**
 * Resolves `rewards`, `filters` and `optimizer.schedule`. Unknown names throw here, listing the
 * registry's keys, before any engine time is spent: each reward and filter is tried once on a dummy group.
 */
export function resolveAlgorithms(config: TrainConfig): Algorithms {
  const usesHistory = config.rewards.some((term) => term.name === HISTORY_REWARD);
  const rewarder: Algorithms["rewarder"] = (facts_N, state) => {
    const history = facts_N.length === 0 ? undefined : state.hapoHistory?.[problemKey(facts_N[0].problem)];
    const composed = composeRewards(rewardSamples(facts_N), rewardTerms(config, history));
    return facts_N.map((_, index) => ({
      terms: Object.fromEntries(
        Object.entries(composed.terms).map(([name, values]) => [name, values[index]]),
      ),
      total: composed.total[index],
    }));
  };
  const recordRewardHistory: Algorithms["recordRewardHistory"] = (group, state) => {
    if (!usesHistory) return;
    const key = problemKey(group.problem);
    const samples = group.samples.map((sample) => ({
      correct: sample.correct,
      responseLength: sample.tokens.length,
      finishReason: sample.stopReason,
      text: sample.text,
    }));
    const shortest = updateHapoHistory(state.hapoHistory?.[key], samples);
    if (shortest !== undefined) state.hapoHistory = { ...state.hapoHistory, [key]: shortest };
  };
  const keepGroups = keepGroupsWith(config);
  const { optimizer } = config;
  const learningRateAt = (step: number): number =>
    scheduleValue(step - 1, {
      schedule: optimizer.schedule,
      value: optimizer.learningRate,
      start: optimizer.learningRate,
      end: 0,
      warmupSteps: optimizer.warmupSteps,
      totalSteps: Math.max(config.steps, 1),
    });
  const problem = { id: "", benchmark: "", question: "", answer: "" };
  rewarder([{ problem, text: "", correct: false, length: 0, stopReason: "stop" }], {
    hapoHistory: { "": 1 },
  });
  keepGroups([[0, 1]]);
  learningRateAt(1);
  return { rewarder, recordRewardHistory, keepGroups, learningRateAt };
}
