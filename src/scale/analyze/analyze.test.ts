import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createStrategy } from "../strategies/registry.js";
import { analyzeStrategies } from "./analyze.js";
import { expectOnPool } from "./expectation.js";
import { poolsFromRows } from "./pools.js";
import type { PoolTrace } from "./types.js";

const pool = (clusters: number[], correctCluster: number): PoolTrace[] =>
  clusters.map((cluster, index) => ({
    cluster,
    correct: cluster === correctCluster ? 1 : 0,
    tokens: 10 + index,
    features: {},
  }));

describe("expectOnPool", () => {
  it("a tie scores the fraction of tied answers that are correct", () => {
    expect(expectOnPool(createStrategy("maj@2"), pool([0, 1], 0)).accuracy).toBe(0.5);
  });
  it("maj@k over subsets matches a hand count", () => {
    // Pool a,a,b: subsets of 2 → {a,a}: 1, {a,b}: ½, {a,b}: ½ → 2/3 when a is right.
    const outcome = expectOnPool(createStrategy("maj@2"), pool([0, 0, 1], 0));
    expect(outcome.accuracy).toBeCloseTo(2 / 3, 12);
    expect(outcome.tokens).toBeCloseTo((21 + 22 + 23) / 3, 12);
  });
  it("order-dependent stopping: exact walk and Monte-Carlo agree", () => {
    const traces = pool([0, 0, 1, 2, 0, 1], 0);
    const strategy = createStrategy("early@6,margin=2");
    const exact = expectOnPool(strategy, traces);
    const sampled = expectOnPool(strategy, traces, { enumerationLimit: 1, draws: 20000, seed: 3 });
    expect(exact.exact).toBe(true);
    expect(sampled.exact).toBe(false);
    expect(sampled.accuracy).toBeCloseTo(exact.accuracy, 1);
    expect(sampled.samples).toBeCloseTo(exact.samples, 1);
  });
  it("esc with window 2 on a,a,b stops after two with probability 1/3", () => {
    // Orders: aa|b (1/3: stop at 2, a) — otherwise the window disagrees and the budget 3 is used.
    const outcome = expectOnPool(createStrategy("esc@3,window=2"), pool([0, 0, 1], 0));
    expect(outcome.samples).toBeCloseTo((2 / 3) * 3 + (1 / 3) * 2, 12);
  });
  it("a budget larger than the pool is an error", () => {
    expect(() => expectOnPool(createStrategy("maj@4"), pool([0, 1], 0))).toThrow(
      /needs 4 samples per problem, the pool has 2/,
    );
  });
});

describe("poolsFromRows", () => {
  it("clusters equivalent answers and grades them", () => {
    const rows = [
      { problemId: "p", gold: "1/2", text: "so \\boxed{\\frac{1}{2}}", usage: { completionTokens: 7 } },
      { problemId: "p", gold: "1/2", text: "\\boxed{0.5}", usage: { completionTokens: 5 }, reward: 1 },
      { problemId: "p", gold: "1/2", text: "\\boxed{3}", usage: { completionTokens: 5 } },
    ];
    const [problem] = poolsFromRows(rows);
    expect(problem?.traces.map((trace) => trace.cluster)).toEqual([0, 0, 1]);
    expect(problem?.traces.map((trace) => trace.correct)).toEqual([1, 1, 0]);
    expect(problem?.traces[1]?.features).toEqual({ reward: 1 });
  });
  it("keys problems by benchmark and id: gsm8k/0 and amc23/0 are two pools, each with its own gold", () => {
    const rows = [
      { benchmark: "gsm8k", problemId: "0", gold: "18", text: "\\boxed{18}" },
      { benchmark: "amc23", problemId: "0", gold: "27", text: "\\boxed{18}" },
      { benchmark: "gsm8k", problemId: "0", gold: "18", text: "\\boxed{18}" },
      { benchmark: "amc23", problemId: "0", gold: "27", text: "\\boxed{27}" },
    ];
    const pools = poolsFromRows(rows);
    expect(pools.map((entry) => [entry.problemId, entry.traces.map((trace) => trace.correct)])).toEqual([
      ["gsm8k/0", [1, 1]],
      ["amc23/0", [0, 1]],
    ]);
    expect(analyzeStrategies(["maj@2"], pools)[0]).toMatchObject({
      accuracy: (1 + 0.5) / 2,
      method: "exact",
    });
    // The Qwen layout's data_source names the benchmark too; rows without one keep their bare id.
    expect(
      poolsFromRows([{ idx: 3, data_source: "math500", answer: "1", code: ["\\boxed{1}"] }])[0]?.problemId,
    ).toBe("math500/3");
    // Rows that share an id but disagree on the gold are refused instead of pooled.
    const unnamed = rows.map(({ benchmark: _benchmark, ...row }) => row);
    expect(() => poolsFromRows(unnamed)).toThrow(/problem 0: samples with different golds \("18", "27"\)/);
  });
  it("rejects rows that fit neither layout", () => {
    expect(() => poolsFromRows([{ text: 1 }])).toThrow(
      /line 1: expected string fields problemId, text, gold/,
    );
  });
});

const QWEN = "test/fixtures/responses/qwen25-math-math_cot_100.jsonl";

describe("the shared Qwen samples (file labels)", () => {
  it("reproduces maj@8 = 0.925 and beats two-in-a-row with reward-weighted early stopping", () => {
    const rows = readFileSync(QWEN, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const pools = poolsFromRows(rows, { labels: "file" });
    const [single, majority, esc, early] = analyzeStrategies(
      ["pass@1", "maj@8", "esc@8,window=2", "early@8,margin=0.95,weight=reward"],
      pools,
    );
    expect(single?.accuracy).toBeCloseTo(0.91, 3);
    expect(majority?.accuracy).toBeCloseTo(0.925, 3);
    expect(esc?.accuracy).toBeCloseTo(0.924, 2);
    expect(early?.accuracy).toBeGreaterThanOrEqual((majority?.accuracy ?? 1) - 0.005);
    expect(early?.avgSamples).toBeLessThanOrEqual(0.4 * 8);
  }, 60_000);
});
