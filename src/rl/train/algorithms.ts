import type { TrainConfig } from "./config.js";
import type { GroupRewarder } from "./rollouts.js";

/**
 * The config's names resolved to the rl registries: the group rewarder, the group filter and the
 * learning-rate schedule. (Rewards, filters and schedules join here as their registries land.)
 */
export interface Algorithms {
  rewarder: GroupRewarder;
  keepGroups: (rewards_G_N: number[][]) => boolean[];
  learningRateAt: (step: number) => number;
}

export function resolveAlgorithms(config: TrainConfig): Algorithms {
  for (const reward of config.rewards) {
    if (reward.name !== "correctness")
      throw new Error(`unknown reward "${reward.name}"; known rewards: correctness`);
  }
  if (config.filters.length > 0) throw new Error(`unknown batch filter "${config.filters[0].name}"`);
  return {
    rewarder: (facts_N) =>
      facts_N.map((facts) => {
        const terms = Object.fromEntries(
          config.rewards.map((reward) => [reward.name, facts.correct ? 1 : 0]),
        );
        const total = config.rewards.reduce((sum, reward) => sum + reward.weight * terms[reward.name], 0);
        return { terms, total };
      }),
    keepGroups: (rewards_G_N) => rewards_G_N.map(() => true),
    learningRateAt: () => config.optimizer.learningRate,
  };
}
