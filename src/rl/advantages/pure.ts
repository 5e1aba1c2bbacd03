import { assertMatrix, assertVector, numberOption } from "../validate.js";

/**
 * PURE min-form credit assignment — Cheng et al. 2025, "Stop Summation: Min-Form Credit Assignment Is
 * All Process Reward Model Needs for Reasoning", arXiv:2504.15275. With process rewards r_1..r_K of the
 * steps of one response, the value of step k is the worst future step, not the sum:
 *   G_k = min_{j ≥ k} r_j.
 * With option temperature T > 0 the paper's soft form is used: r*_j = softmax(−r/T)_j · r_j and
 *   G_k = Σ_{j ≥ k} r*_j   (→ min as T → 0).
 * stepEnds_S_K[s][k] is the exclusive end token index of step k (ascending, ≤ lengths[s]); every token of
 * step k gets G_k, tokens after the last step get 0. Option outcomeAdvantages (one per sequence) is
 * added to every response token. Returns advantages_S_T padded to the longest length.
 */
export function pureAdvantages(
  stepRewards_S_K: number[][],
  stepEnds_S_K: number[][],
  lengths_S: number[],
  options: { temperature?: number; outcomeAdvantages?: number[] } = {},
): number[][] {
  assertMatrix("stepRewards", stepRewards_S_K);
  assertMatrix("stepEnds", stepEnds_S_K);
  assertVector("lengths", lengths_S);
  if (stepEnds_S_K.length !== stepRewards_S_K.length || lengths_S.length !== stepRewards_S_K.length) {
    throw new Error("stepRewards, stepEnds and lengths must have one entry per sequence");
  }
  const temperature =
    options.temperature === undefined ? undefined : numberOption(options, "temperature", 1, Number.MIN_VALUE);
  const outcome = options.outcomeAdvantages;
  if (outcome !== undefined) {
    assertVector("options.outcomeAdvantages", outcome);
    if (outcome.length !== lengths_S.length)
      throw new Error("options.outcomeAdvantages must have one entry per sequence");
  }
  const width = Math.max(0, ...lengths_S);
  return stepRewards_S_K.map((rewards_K, sequence) => {
    const ends_K = stepEnds_S_K[sequence];
    if (ends_K.length !== rewards_K.length) {
      throw new Error(
        `stepEnds[${sequence}] has ${ends_K.length} entries but stepRewards[${sequence}] has ${rewards_K.length}`,
      );
    }
    const returns_K =
      temperature === undefined ? minimumToGo(rewards_K) : softMinimumToGo(rewards_K, temperature);
    const bonus = outcome?.[sequence] ?? 0;
    const row = new Array<number>(width).fill(0);
    let start = 0;
    ends_K.forEach((end, step) => {
      if (!Number.isInteger(end) || end < start || end > lengths_S[sequence]) {
        throw new Error(
          `stepEnds[${sequence}][${step}] must be an ascending integer ≤ lengths[${sequence}], got ${end}`,
        );
      }
      for (let token = start; token < end; token++) row[token] = returns_K[step];
      start = end;
    });
    for (let token = 0; token < lengths_S[sequence]; token++) row[token] += bonus;
    return row;
  });
}

function minimumToGo(rewards_K: number[]): number[] {
  const result = new Array<number>(rewards_K.length);
  let minimum = Number.POSITIVE_INFINITY;
  for (let step = rewards_K.length - 1; step >= 0; step--) {
    minimum = Math.min(minimum, rewards_K[step]);
    result[step] = minimum;
  }
  return result;
}

function softMinimumToGo(rewards_K: number[], temperature: number): number[] {
  const lowest = Math.min(...rewards_K);
  const exponentials = rewards_K.map((reward) => Math.exp(-(reward - lowest) / temperature));
  const total = exponentials.reduce((sum, value) => sum + value, 0);
  const result = new Array<number>(rewards_K.length);
  let sum = 0;
  for (let step = rewards_K.length - 1; step >= 0; step--) {
    sum += (exponentials[step] / total) * rewards_K[step];
    result[step] = sum;
  }
  return result;
}
