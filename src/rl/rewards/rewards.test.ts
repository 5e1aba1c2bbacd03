import { describe, expect, it } from "vitest";
import { isWellFormatted } from "./correctness.js";
import { updateHapoHistory } from "./hapo.js";
import { laserTargetLength } from "./laser.js";
import { composeRewards, rewardFunctions } from "./registry.js";
import type { RewardSample } from "./types.js";

const sample = (correct: boolean, responseLength: number, text = ""): RewardSample => ({
  correct,
  responseLength,
  text,
  finishReason: "stop",
});
const run = (name: string, group: RewardSample[], options: Record<string, unknown> = {}) =>
  rewardFunctions.get(name)!(group, options);

describe("rewards (hand-checked)", () => {
  it("correctness: 1/0 by default, configurable", () => {
    expect(run("correctness", [sample(true, 1), sample(false, 1)])).toEqual([1, 0]);
    expect(run("correctness", [sample(false, 1)], { wrongReward: -1 })).toEqual([-1]);
  });
  it("format: one <think> pair first, then a non-empty answer", () => {
    expect(isWellFormatted("<think>work</think> 42")).toBe(true);
    expect(isWellFormatted("<think>work</think>  ")).toBe(false);
    expect(isWellFormatted("</think><think> 42")).toBe(false);
    expect(isWellFormatted("<think>a</think><think>b</think> 4")).toBe(false);
    expect(isWellFormatted("<think>a</think> 4", "think", true)).toBe(false);
    expect(isWellFormatted("<think>a</think> \\boxed{4}", "think", true)).toBe(true);
  });
  it("overlong: DAPO soft punishment with L_max 10, L_cache 4", () => {
    const group = [6, 8, 10, 11].map((length) => sample(true, length));
    expect(run("overlong", group, { maxLength: 10, cacheLength: 4 })).toEqual([0, -0.5, -1, -1]);
    expect(() => run("overlong", group)).toThrow(/options.maxLength/);
  });
  it("kimi_length: λ = 0.5 − (len − min)/(max − min); wrong samples get min(0, λ)", () => {
    expect(
      run("kimi_length", [sample(true, 10), sample(false, 20), sample(true, 30), sample(false, 10)]),
    ).toEqual([0.5, 0, -0.5, 0]);
    expect(run("kimi_length", [sample(true, 5), sample(false, 5)])).toEqual([0, 0]);
  });
  it("adaptive_length: −β·N·max(p̂, 1/K)", () => {
    const group = [sample(true, 100), sample(true, 100), sample(false, 100), sample(false, 200)];
    expect(run("adaptive_length", group, { beta: 0.01 })).toEqual([-0.5, -0.5, -0.5, -1]);
    expect(run("adaptive_length", [sample(false, 100), sample(false, 100)], { beta: 0.01 })).toEqual([
      -0.5, -0.5,
    ]);
  });
  it("hapo: cosine of len/h; short wrong answers are not rewarded", () => {
    const group = [
      sample(true, 100),
      sample(true, 50),
      sample(true, 200),
      sample(false, 50),
      sample(false, 150),
    ];
    const values = run("hapo", group, { historyLength: 100 });
    const expected = [0, Math.SQRT1_2, -0.7, 0, -Math.SQRT1_2]; // correct floored at −0.7
    values.forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index], 12);
    });
    expect(run("hapo", group)).toEqual([0, 0, 0, 0, 0]);
    expect(
      run("hapo", [sample(true, 200), sample(false, 300)], { historyLength: 100, correctFloor: -1 }),
    ).toEqual([-1, -1]);
    expect(updateHapoHistory(undefined, group)).toBe(50);
    expect(updateHapoHistory(40, group)).toBe(40);
    expect(updateHapoHistory(undefined, [sample(false, 3)])).toBeUndefined();
  });
  it("laser and laser_d: α for correct responses within the (difficulty's) target", () => {
    const group = [sample(true, 80), sample(true, 120), sample(false, 50)];
    expect(run("laser", group, { targetLength: 100 })).toEqual([0.5, 0, 0]);
    const targetLengths = { easy: 50, medium: 100, hard: 200 };
    const medium = [...group, sample(false, 10)]; // solve rate 1/2 → medium → L_T = 100
    const hard = [sample(true, 150), sample(false, 1), sample(false, 1), sample(false, 1)]; // 1/4 → hard
    expect(run("laser_d", hard, { targetLengths, alpha: 1 })).toEqual([1, 0, 0, 0]);
    expect(run("laser_d", medium, { targetLengths, alpha: 1 })).toEqual([1, 0, 0, 0]);
    expect(run("laser_d", group, { targetLengths, alpha: 1 })).toEqual([0, 0, 0]); // 2/3 → easy → L_T = 50
  });
  it("laser_d: easy groups get the short target", () => {
    const easy = [sample(true, 80), sample(true, 40), sample(true, 60)];
    expect(run("laser_d", easy, { targetLengths: { easy: 50, medium: 100, hard: 200 } })).toEqual([
      0, 0.5, 0,
    ]);
    expect(() => run("laser_d", easy)).toThrow(/targetLengths/);
  });
  it("laserTargetLength: smallest L with ⌊coverage(L)·n_min⌋ ≥ 1 (n_min: easy ⌊2K/3⌋, medium ⌊K/3⌋, hard 1)", () => {
    const monitored = [10, 20, 30, 40, 50].map((length) => sample(true, length));
    const withWrong = [...monitored, sample(false, 99)];
    // K = 8: easy n_min 5 → coverage ≥ 0.2 → 10; medium n_min 2 → coverage ≥ 0.5 → 30; hard → all → 50
    expect(laserTargetLength(withWrong, { rollouts: 8, difficulty: "easy" })).toBe(10);
    expect(laserTargetLength(withWrong, { rollouts: 8, difficulty: "medium" })).toBe(30);
    expect(laserTargetLength(withWrong, { rollouts: 8, difficulty: "hard" })).toBe(50);
    expect(laserTargetLength(withWrong, { rollouts: 8, difficulty: "medium", candidates: [25, 45] })).toBe(
      45,
    );
    expect(laserTargetLength([sample(false, 70)], { rollouts: 8, difficulty: "hard" })).toBe(70);
    expect(() => laserTargetLength(monitored, { rollouts: 0, difficulty: "hard" })).toThrow(
      /options.rollouts/,
    );
  });
  it("repetition: fraction of repeated word trigrams", () => {
    expect(run("repetition", [sample(true, 6, "a b c a b c"), sample(true, 2, "a b")])).toEqual([-0.25, -0]);
  });
  it("label_free: 0.5·(think + answer) + f(len/L_max) with an answer, min(0, f) without", () => {
    const full = "<think>w</think> \\boxed{1}";
    const group = [
      sample(false, 25, full), // x = 0.25: f = 1 − (1 − 0.5)² = 0.75 → 1 + 0.75
      sample(false, 50, "\\boxed{2}"), // x = 0.5: f = 1, no think → 0.5 + 1
      sample(false, 75, full), // x = 0.75: f = 1 − 2·0.25 = 0.5 → 1.5
      sample(false, 100, "<think>w</think> no answer"), // x = 1: f = −1 → min(0, −1)
      sample(false, 25, "\\boxed{}"), // empty answer → min(0, 0.75) = 0
    ];
    expect(run("label_free", group, { maxLength: 100 })).toEqual([1.75, 1.5, 1.5, -1, 0]);
  });
});

describe("composeRewards", () => {
  it("sums weighted terms and reports each by name", () => {
    const group = [sample(true, 10, "<think>a</think> 1"), sample(false, 10, "no")];
    const result = composeRewards(group, [{ reward: "correctness" }, { reward: "format", weight: 0.1 }]);
    expect(result.total).toEqual([1.1, 0]);
    expect(result.terms).toEqual({ correctness: [1, 0], format: [1, 0] });
  });
  it("names bad input", () => {
    expect(() => composeRewards([sample(true, 1)], [{ reward: "nope" }])).toThrow(
      /terms\[0\].reward.*"nope".*correctness/,
    );
    expect(() =>
      composeRewards([{ ...sample(true, 1), responseLength: -1 }], [{ reward: "correctness" }]),
    ).toThrow(/group\[0\].responseLength/);
    expect(() => composeRewards([sample(true, 1)], [{ reward: "correctness", weight: Number.NaN }])).toThrow(
      /terms\[0\].weight/,
    );
    expect(() =>
      composeRewards([sample(true, 1)], [{ reward: "correctness" }, { reward: "correctness" }]),
    ).toThrow(/repeats the name/);
  });
  it("every registered reward returns finite numbers on an empty-text, zero-length sample", () => {
    const options = {
      maxLength: 10,
      targetLength: 5,
      targetLengths: { easy: 1, medium: 2, hard: 3 },
      historyLength: 4,
    };
    for (const [name, reward] of rewardFunctions) {
      const values = reward([sample(false, 0), sample(true, 0)], options);
      expect(values.every(Number.isFinite), name).toBe(true);
    }
  });
});
