/**
 * Pass-rate curriculum: track each problem's pass rate across training and prefer problems at the
 * frontier of learnability — weight p(1 − p), the variance of the Bernoulli reward, maximal at p = ½
 * (Foster & Foerster 2025, "Learning to Reason at the Frontier of Learnability", arXiv:2502.12272).
 * Problems never seen use the prior p = ½. Pure: the state is a plain record returned anew.
 */
export interface PassRateState {
  [problemId: string]: { passRate: number; attempts: number };
}

/**
 * Exponential moving average of each problem's pass rate:  p ← decay·p + (1 − decay)·p̂_batch
 * (the first observation sets p = p̂). decay in [0, 1), default 0.5.
 */
export function updatePassRates(
  state: PassRateState,
  outcomes: { problemId: string; passRate: number; attempts: number }[],
  decay = 0.5,
): PassRateState {
  if (!(decay >= 0 && decay < 1)) throw new Error(`decay must be in [0, 1), got ${decay}`);
  const next: PassRateState = { ...state };
  outcomes.forEach((outcome, index) => {
    if (!(outcome.passRate >= 0 && outcome.passRate <= 1)) {
      throw new Error(`outcomes[${index}].passRate must be in [0, 1], got ${outcome.passRate}`);
    }
    const previous = next[outcome.problemId];
    next[outcome.problemId] =
      previous === undefined
        ? { passRate: outcome.passRate, attempts: outcome.attempts }
        : {
            passRate: decay * previous.passRate + (1 - decay) * outcome.passRate,
            attempts: previous.attempts + outcome.attempts,
          };
  });
  return next;
}

/** Sampling weight of each problem: p(1 − p) + floor (default 0.01, so solved problems are revisited). */
export function curriculumWeights(problemIds: string[], state: PassRateState, floor = 0.01): number[] {
  return problemIds.map((id) => {
    const rate = state[id]?.passRate ?? 0.5;
    return rate * (1 - rate) + floor;
  });
}

/** Draws `count` distinct problem ids with probability ∝ their curriculum weight (without replacement). */
export function selectCurriculum(
  problemIds: string[],
  state: PassRateState,
  count: number,
  random: () => number,
  floor = 0.01,
): string[] {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`count must be a non-negative integer, got ${count}`);
  const pool = problemIds.map((id, index) => ({
    id,
    weight: curriculumWeights([id], state, floor)[0],
    index,
  }));
  const chosen: string[] = [];
  while (chosen.length < count && pool.length > 0) {
    const total = pool.reduce((sum, entry) => sum + entry.weight, 0);
    let target = random() * total;
    let pick = 0;
    while (pick < pool.length - 1 && target >= pool[pick].weight) {
      target -= pool[pick].weight;
      pick++;
    }
    chosen.push(pool[pick].id);
    pool.splice(pick, 1);
  }
  return chosen;
}
