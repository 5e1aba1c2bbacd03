import { composeRewards } from "../rewards/registry.js";
import { scheduleValue } from "../schedules/schedules.js";
import { filterBatch } from "../select/filters.js";
import type { TrainConfig } from "./config.js";
import type { GroupRewarder } from "./rollouts.js";

/** The config's names resolved through the rl registries (rewards, batch filters, schedules). */
export interface Algorithms {
  rewarder: GroupRewarder;
  keepGroups: (rewards_G_N: number[][]) => boolean[];
  learningRateAt: (step: number) => number;
}

/**
 * Resolves `rewards`, `filters` and `optimizer.schedule`. Unknown names throw here, listing the
 * registry's keys, before any engine time is spent: each reward and filter is tried once on a dummy group.
 */
export function resolveAlgorithms(config: TrainConfig): Algorithms {
  const terms = config.rewards.map((term) => ({
    reward: term.name,
    weight: term.weight,
    options: term.options,
  }));
  const rewarder: GroupRewarder = (facts_N) => {
    const composed = composeRewards(
      facts_N.map((facts) => ({
        correct: facts.correct,
        responseLength: facts.length,
        finishReason: facts.stopReason,
        text: facts.text,
      })),
      terms,
    );
    return facts_N.map((_, index) => ({
      terms: Object.fromEntries(
        Object.entries(composed.terms).map(([name, values]) => [name, values[index]]),
      ),
      total: composed.total[index],
    }));
  };
  const keepGroups = (rewards_G_N: number[][]): boolean[] => {
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
  rewarder([
    {
      problem: { id: "", benchmark: "", question: "", answer: "" },
      text: "",
      correct: false,
      length: 0,
      stopReason: "stop",
    },
  ]);
  keepGroups([[0, 1]]);
  learningRateAt(1);
  return { rewarder, keepGroups, learningRateAt };
}
