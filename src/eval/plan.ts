import type { Problem } from "../data/types.js";
import type { Sample } from "../sample/types.js";

/** One request of the plan: `count` samples of one problem starting at `firstIndex`. */
export interface PlannedRequest {
  benchmark: string;
  problem: Problem;
  firstIndex: number;
  count: number;
}

export interface EvalPlan {
  requests: PlannedRequest[];
  /** Samples already in the store and reused. */
  reused: number;
  /** Samples still to generate. */
  missing: number;
}

/**
 * What must still be sampled so that every problem has samples 0…n−1: stored samples are reused
 * (a rerun resumes; a larger n extends), and each gap is split into requests of ≤ perRequest.
 */
export function planRequests(
  benchmarks: { name: string; problems: Problem[]; stored: Map<string, Sample[]> }[],
  n: number,
  perRequest: number,
): EvalPlan {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer, got ${n}`);
  if (!Number.isInteger(perRequest) || perRequest < 1)
    throw new Error(`samples per request must be a positive integer, got ${perRequest}`);
  const requests: PlannedRequest[] = [];
  let reused = 0;
  let missing = 0;
  for (const { name, problems, stored } of benchmarks) {
    for (const problem of problems) {
      const have = new Set(
        (stored.get(problem.id) ?? []).map((sample) => sample.index).filter((index) => index < n),
      );
      reused += have.size;
      let index = 0;
      while (index < n) {
        if (have.has(index)) {
          index++;
          continue;
        }
        let count = 0;
        while (index + count < n && !have.has(index + count) && count < perRequest) count++;
        requests.push({ benchmark: name, problem, firstIndex: index, count });
        missing += count;
        index += count;
      }
    }
  }
  return { requests, reused, missing };
}
