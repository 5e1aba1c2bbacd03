import { describe, expect, it } from "vitest";
import { seededRandom } from "./combinatorics.js";
import { expectedMajorityAtK, majorityCluster, majorityCredit, type Votes } from "./majority.js";
import { passAtK, reportedKs } from "./pass-at-k.js";
import { bootstrapInterval, quantile, summarizeLengths } from "./statistics.js";
import { computeMetrics } from "./summary.js";
import type { ScoredProblem } from "./types.js";

function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k - 1).map((subset) => [...subset, n - 1]), ...subsets(n - 1, k)];
}

describe("pass@k (Chen et al. 2021)", () => {
  it("equals the fraction of size-k subsets holding a correct sample", () => {
    for (const [n, c] of [
      [8, 0],
      [8, 3],
      [8, 8],
      [10, 1],
      [6, 5],
    ]) {
      for (const k of [1, 2, 3, n]) {
        const correct = Array.from({ length: n }, (_, index) => index < c);
        const all = subsets(n, k);
        const hits = all.filter((subset) => subset.some((index) => correct[index])).length;
        expect(passAtK(n, c, k)).toBeCloseTo(hits / all.length, 12);
      }
    }
  });

  it("rejects k outside [1, n] and lists the reported ks", () => {
    expect(() => passAtK(4, 1, 5)).toThrow(/k must be an integer in \[1, 4\]/);
    expect(reportedKs(16)).toEqual([1, 2, 4, 8, 16]);
    expect(reportedKs(12)).toEqual([1, 2, 4, 8, 12]);
  });
});

describe("maj@k", () => {
  const enumerate = (votes: Votes, k: number) => {
    const all = subsets(votes.clusters.length, k);
    const credit = all.map((subset) =>
      majorityCredit({
        clusters: subset.map((index) => votes.clusters[index]),
        clusterCorrect: votes.clusterCorrect,
      }),
    );
    return credit.reduce((sum, value) => sum + value, 0) / all.length;
  };

  it("shares credit between tied top answers and breaks the prediction's tie by first appearance", () => {
    const tie: Votes = { clusters: [0, 1, 1, 0, -1], clusterCorrect: [false, true] };
    expect(majorityCredit(tie)).toBe(0.5);
    expect(majorityCluster(tie.clusters)).toBe(0);
    expect(majorityCredit({ clusters: [-1, -1], clusterCorrect: [] })).toBe(0);
  });

  it("its exact expectation over k-subsets equals brute-force enumeration (random vote patterns)", () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + Math.floor(random() * 9);
      const clusterCount = 1 + Math.floor(random() * 4);
      const clusters = Array.from({ length: n }, () => Math.floor(random() * (clusterCount + 1)) - 1);
      const clusterCorrect = Array.from({ length: clusterCount }, (_, id) => id === 0);
      for (let k = 1; k <= n; k++) {
        expect(expectedMajorityAtK({ clusters, clusterCorrect }, k)).toBeCloseTo(
          enumerate({ clusters, clusterCorrect }, k),
          10,
        );
      }
    }
  });
});

describe("statistics", () => {
  it("quantiles interpolate like numpy; bootstrap brackets the mean and is seeded", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
    expect(summarizeLengths([10, 20, 30])).toEqual({ count: 3, mean: 20, median: 20, p90: 28 });
    const values = Array.from({ length: 100 }, (_, index) => (index % 3 === 0 ? 1 : 0));
    const interval = bootstrapInterval(values, { seed: 3 });
    expect(interval.low).toBeLessThan(0.34);
    expect(interval.high).toBeGreaterThan(0.34);
    expect(bootstrapInterval(values, { seed: 3 })).toEqual(interval);
  });
});

describe("computeMetrics", () => {
  const sample = (answer: string | null, correct: boolean, tokens = 10, truncated = false) => ({
    answer,
    correct,
    completionTokens: tokens,
    truncated,
  });
  const problems: ScoredProblem[] = [
    {
      problemId: "a",
      benchmark: "t",
      level: "1",
      samples: [
        sample("4", true, 10),
        sample("4.0", true, 20),
        sample("5", false, 30),
        sample(null, false, 100, true),
      ],
      errors: 0,
    },
    {
      problemId: "b",
      benchmark: "t",
      level: "2",
      samples: [sample("1", false), sample("2", true), sample("1", false), sample("3", false)],
      errors: 1,
    },
    { problemId: "c", benchmark: "t", level: "2", samples: [], errors: 4 },
  ];
  const equivalent = (a: string, b: string) => Number(a) === Number(b);

  it("reports pass@k, maj@k (equivalence clusters), avg@n, rates, lengths and groups", () => {
    const result = computeMetrics(problems, { equivalent, bootstrapIterations: 200 });
    expect(result.n).toBe(4);
    expect(result.errors).toBe(5);
    expect(result.problemsWithoutSamples).toBe(1);
    expect(result.metrics["pass@1"]).toBeCloseTo((2 / 4 + 1 / 4) / 2, 12);
    expect(result.metrics["avg@4"]).toBeCloseTo(result.metrics["pass@1"], 12);
    expect(result.metrics["pass@4"]).toBe(1);
    expect(result.metrics["maj@4"]).toBe(0.5); // "4" ≡ "4.0" wins a; "1" wins b
    expect(result.truncationRate).toBe(1 / 8);
    expect(result.noAnswerRate).toBe(1 / 8);
    expect(result.lengths.correct.mean).toBeCloseTo(40 / 3, 12);
    expect(result.byLevel["2"]).toMatchObject({
      problems: 1,
      metrics: expect.objectContaining({ "maj@4": 0 }),
    });
    expect(result.byLevel["2"]?.intervals["maj@4"]).toEqual({ low: 0, high: 0 });
    expect(result.perProblem[0]).toMatchObject({ problemId: "a", prediction: "4", predictionCorrect: true });
    for (const [name, interval] of Object.entries(result.intervals)) {
      expect(interval.low, name).toBeLessThanOrEqual(result.metrics[name] + 1e-12);
      expect(interval.high, name).toBeGreaterThanOrEqual(result.metrics[name] - 1e-12);
    }
  });

  it("uneven pools: warns, and each k rests on the problems with at least k samples", () => {
    // 3 problems with 8 samples, one with 4: pass@8 and maj@8 must not vanish (nor all shrink to n = 4).
    const full = (id: string, correct: number): ScoredProblem => ({
      problemId: id,
      benchmark: "t",
      samples: Array.from({ length: 8 }, (_, index) => sample(index < correct ? "7" : "1", index < correct)),
      errors: 0,
    });
    const short: ScoredProblem = {
      problemId: "short",
      benchmark: "t",
      samples: [sample("7", true), sample("1", false), sample("1", false), sample("1", false)],
      errors: 0,
    };
    const even = [full("x", 1), full("y", 2), full("z", 8)];
    const result = computeMetrics([...even, short], { equivalent, bootstrapIterations: 50 });
    expect(result).toMatchObject({ n: 8, minSamples: 4 });
    expect(result.problemsPerMetric).toMatchObject({ "pass@4": 4, "pass@8": 3, "maj@8": 3, "avg@8": 4 });
    // pass@8 over the three full problems only equals their own computation; pass@1 covers all four.
    const alone = computeMetrics(even, { equivalent, bootstrapIterations: 50 });
    expect(result.metrics["pass@8"]).toBe(alone.metrics["pass@8"]);
    expect(result.metrics["maj@8"]).toBe(alone.metrics["maj@8"]);
    expect(result.metrics["pass@1"]).toBeCloseTo((1 / 8 + 2 / 8 + 1 + 1 / 4) / 4, 12);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /uneven pools: 1 of 4 problems have fewer than 8 samples \(fewest 4\).*pass@8 on 3/,
      ),
    ]);
    expect(alone.warnings).toEqual([]);
  });
});
