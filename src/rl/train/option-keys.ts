/**
 * The option keys each registered algorithm reads, so that a config's options object is checked as
 * its names are: a typo (`{ estimator: "grpo", epsilion: 1 }`) is an error listing the known keys,
 * never silently the default. `validate-run.test.ts` checks that every registry key has an entry here
 * (a new algorithm without its keys fails the tests).
 */
export const advantageOptionKeys: Record<string, readonly string[]> = {
  grpo: ["epsilon"],
  dr_grpo: [],
  rloo: [],
  reinforce_pp: ["epsilon"],
  reinforce_pp_baseline: ["epsilon"],
  ngrpo: ["epsilon", "maxReward"],
  w_reinforce: ["positiveWeight", "correctThreshold"],
  tempo: ["epsilon", "tdWeight"],
  spo: ["decay", "priorValue", "priorCount", "epsilon"],
};

/** Reward options; HAPO's `historyLength` is the loop's (per-prompt history), not the config's. */
export const rewardOptionKeys: Record<string, readonly string[]> = {
  correctness: ["correctReward", "wrongReward"],
  format: ["thinkTag", "requireBoxed"],
  overlong: ["maxLength", "cacheLength"],
  kimi_length: [],
  laser: ["targetLength", "alpha"],
  laser_d: ["targetLengths", "easyAbove", "hardBelow", "alpha"],
  hapo: ["correctFloor"],
  adaptive_length: ["beta"],
  repetition: ["n", "penalty"],
  label_free: ["maxLength", "peak"],
  tool_error: [],
  void_turn: [],
};

export const filterOptionKeys: Record<string, readonly string[]> = {
  dynamic_sampling: ["tolerance", "strategy"],
  difficulty: ["low", "high", "correctThreshold"],
};

/** `loss.options`: the policyLoss options that have no field of their own in the config. */
export const lossOptionKeys: readonly string[] = [
  "clipPositive",
  "clipNegative",
  "masteredProbability",
  "maxLength",
];

/** Throws when `options` has a key outside `known`, naming where it is and listing the known keys. */
export function checkOptionKeys(
  where: string,
  options: Record<string, unknown>,
  known: readonly string[],
): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const listed = known.length === 0 ? "it takes no options" : `known: ${known.join(", ")}`;
  throw new Error(
    `${where}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (${listed})`,
  );
}
