import { advantageEstimators, computeAdvantages } from "../advantages/registry.js";
import { computeStepAdvantages, stepAdvantageEstimators } from "../advantages/step-estimators.js";
import { rolloutCorrection } from "../correction/rollout-correction.js";
import { policyLoss } from "../losses/policy-loss.js";
import { policyLosses } from "../losses/registry.js";
import { rewardFunctions } from "../rewards/registry.js";
import { batchFilters } from "../select/filters.js";
import { lookup } from "../validate.js";
import { type Algorithms, resolveAlgorithms } from "./algorithms.js";
import type { TrainConfig } from "./config.js";
import {
  advantageOptionKeys,
  checkOptionKeys,
  filterOptionKeys,
  lossOptionKeys,
  rewardOptionKeys,
} from "./option-keys.js";
import { lossOptions } from "./step.js";
import type { ProblemSource, TextCodec } from "./types.js";

/** Every advantage estimator name a config may use (outcome registry and step estimators). */
function checkAdvantage(config: TrainConfig): void {
  const { estimator, options } = config.advantage;
  const known = [...advantageEstimators.keys(), ...stepAdvantageEstimators.keys()];
  if (!known.includes(estimator)) {
    throw new Error(`advantage.estimator: unknown estimator "${estimator}"; known: ${known.join(", ")}`);
  }
  checkOptionKeys(`advantage.options of "${estimator}"`, options, advantageOptionKeys[estimator] ?? []);
  const rewards_G_N = [
    [0, 1],
    [1, 1],
  ];
  if (stepAdvantageEstimators.has(estimator)) {
    const tokens_G_N_T = [
      [[1], [2]],
      [[1], [1]],
    ];
    computeStepAdvantages(estimator, {
      rewards_G_N,
      tokens_G_N_T,
      keys_G: ["a", "b"],
      state: undefined,
      options,
    });
  } else computeAdvantages(rewards_G_N, { ...options, estimator });
}

/** The loss, its options and the rollout correction, tried on a one-token batch. */
function checkLoss(config: TrainConfig): void {
  lookup(policyLosses, "loss.name (policy loss)", config.loss.name);
  checkOptionKeys(`loss.options of "${config.loss.name}"`, config.loss.options, lossOptionKeys);
  const batch = { logprobs: [[-1]], oldLogprobs: [[-1]], advantages: [[1]], mask: [[1]] };
  policyLoss(config.loss.klCoef > 0 ? { ...batch, refLogprobs: [[-1]] } : batch, lossOptions(config));
  if (config.rolloutCorrection !== undefined) {
    rolloutCorrection(
      { trainerLogprobs_S_T: [[-1]], samplerLogprobs_S_T: [[-1]], mask_S_T: [[1]] },
      config.rolloutCorrection,
    );
  }
}

function checkTerms(config: TrainConfig): void {
  config.rewards.forEach((term, index) => {
    lookup(rewardFunctions, `rewards[${index}].name (reward)`, term.name);
    checkOptionKeys(
      `rewards[${index}].options of "${term.name}"`,
      term.options,
      rewardOptionKeys[term.name] ?? [],
    );
  });
  config.filters.forEach((filter, index) => {
    lookup(batchFilters, `filters[${index}].name (batch filter)`, filter.name);
    checkOptionKeys(
      `filters[${index}].options of "${filter.name}"`,
      filter.options,
      filterOptionKeys[filter.name] ?? [],
    );
  });
}

/** The data settings can work: the held-out split is as large as asked, step 1 has fresh problems, traces fit. */
function checkData(config: TrainConfig, source: ProblemSource, codec: TextCodec): void {
  const where = `data.task "${config.data.task}"${config.data.difficulty === undefined ? "" : ` at difficulty ${config.data.difficulty}`}`;
  if (source.heldOut.length < config.evaluation.problems) {
    throw new Error(
      `${where} has only ${source.heldOut.length} distinct problems for the ${config.evaluation.problems} held-out ones asked (lower evaluation.problems or raise data.difficulty)`,
    );
  }
  const perStep = config.promptsPerStep * (config.data.curriculum?.candidates ?? 1);
  let first: ReturnType<ProblemSource["batch"]>;
  try {
    first = source.batch(1, perStep, 0);
  } catch (error) {
    throw new Error(
      `${where}: no training batch of ${perStep} problems besides the ${source.heldOut.length} held out: ${(error as Error).message}`,
    );
  }
  const traces = [...first, ...source.heldOut]
    .map((problem) => problem.meta?.trace)
    .filter((trace): trace is string => typeof trace === "string");
  if (traces.length === 0) return;
  const lengths = traces.map((trace) => codec.encode(trace).length + 1).sort((a, b) => a - b);
  const fitting = lengths.filter((length) => length <= config.sampling.maxTokens).length;
  if (fitting * 2 < lengths.length) {
    throw new Error(
      `sampling.maxTokens ${config.sampling.maxTokens} truncates ${lengths.length - fitting} of ${lengths.length} reference traces of ${where}${config.data.steps ? " (data.steps: true)" : ""}: median ${lengths[lengths.length >> 1]} tokens with eos, longest ${lengths[lengths.length - 1]}; raise sampling.maxTokens`,
    );
  }
}

/**
 * Checks the whole config before any engine time: every registry name, every options object's keys
 * (unknown keys list the known ones), each algorithm tried once on a dummy batch, and the data
 * settings against the problem source and the tokenizer. Returns the resolved algorithms.
 */
export function validateRun(config: TrainConfig, source: ProblemSource, codec: TextCodec): Algorithms {
  checkAdvantage(config);
  checkLoss(config);
  checkTerms(config);
  const algorithms = resolveAlgorithms(config);
  checkData(config, source, codec);
  return algorithms;
}
