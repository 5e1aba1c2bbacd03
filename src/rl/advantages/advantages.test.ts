import { describe, expect, it } from "vitest";
import { advantageEstimators, computeAdvantages } from "./registry.js";

const close = (actual: number[][], expected: number[][], digits = 5) => {
  expect(actual.length).toBe(expected.length);
  for (const [index, row] of actual.entries()) {
    expect(row.length).toBe(expected[index].length);
    for (const [column, value] of row.entries()) expect(value).toBeCloseTo(expected[index][column], digits);
  }
};

describe("computeAdvantages (hand-checked)", () => {
  it("grpo: (r − mean)/(unbiased std + ε); std of [1,0,0,1] is sqrt(1/3)", () => {
    const half = 0.5 / (Math.sqrt(1 / 3) + 1e-6);
    close(computeAdvantages([[1, 0, 0, 1]], { estimator: "grpo" }), [[half, -half, -half, half]], 9);
  });
  it("grpo: all-correct, all-wrong and single-sample groups get 0", () => {
    expect(computeAdvantages([[1, 1, 1], [0, 0], [1]], { estimator: "grpo" })).toEqual([
      [0, 0, 0],
      [0, 0],
      [0],
    ]);
  });
  it("grpo: epsilon option changes the divisor", () => {
    const [[first]] = computeAdvantages([[1, 0]], { estimator: "grpo", epsilon: 1 });
    expect(first).toBeCloseTo(0.5 / (Math.SQRT1_2 + 1), 12);
  });
  it("dr_grpo: r − mean, no std", () => {
    close(computeAdvantages([[1, 0, 0], [5]], { estimator: "dr_grpo" }), [[2 / 3, -1 / 3, -1 / 3], [0]]);
  });
  it("rloo: r_i − mean of the others", () => {
    close(computeAdvantages([[1, 0, 0], [2, 4], [7]], { estimator: "rloo" }), [
      [1, -0.5, -0.5],
      [-2, 2],
      [0],
    ]);
  });
  it("reinforce_pp: normalised over the whole batch", () => {
    close(
      computeAdvantages(
        [
          [1, 0],
          [1, 1],
        ],
        { estimator: "reinforce_pp" },
      ),
      [
        [0.5, -1.5],
        [0.5, 0.5],
      ],
    );
  });
  it("reinforce_pp_baseline: group mean removed, then batch-normalised", () => {
    const value = 0.5 / Math.sqrt(0.5 / 3);
    close(
      computeAdvantages(
        [
          [1, 0],
          [1, 1],
        ],
        { estimator: "reinforce_pp_baseline" },
      ),
      [
        [value, -value],
        [0, 0],
      ],
    );
  });
  it("ngrpo: all-wrong group gets negative advantages from the virtual max-reward sample", () => {
    close(
      computeAdvantages(
        [
          [0, 0, 0],
          [1, 1],
        ],
        { estimator: "ngrpo" },
      ),
      [
        [-0.5, -0.5, -0.5],
        [0, 0],
      ],
    );
    // maxReward 2: [0, 0, 2] → mean 2/3, std sqrt(4/3)
    const value = -(2 / 3) / Math.sqrt(4 / 3);
    close(computeAdvantages([[0, 0]], { estimator: "ngrpo", maxReward: 2 }), [[value, value]]);
  });
  it("w_reinforce: +λ for correct, −1 for wrong; λ defaults to 0.1", () => {
    expect(computeAdvantages([[1, 0], [1]], { estimator: "w_reinforce" })).toEqual([[0.1, -1], [0.1]]);
    expect(computeAdvantages([[1, -1]], { estimator: "w_reinforce", positiveWeight: 0.5 })).toEqual([
      [0.5, -1],
    ]);
  });
  it("keeps the shape for empty batches and empty groups", () => {
    for (const estimator of advantageEstimators.keys()) {
      expect(computeAdvantages([], { estimator })).toEqual([]);
      expect(computeAdvantages([[]], { estimator })).toEqual([[]]);
    }
  });
  it("group advantages of grpo, dr_grpo and rloo sum to ~0 (property)", () => {
    const rewards = [[0.3, 1, 0, 0.7, 0.2]];
    for (const estimator of ["grpo", "dr_grpo", "rloo"]) {
      const sum = computeAdvantages(rewards, { estimator })[0].reduce((total, value) => total + value, 0);
      expect(Math.abs(sum)).toBeLessThan(1e-12);
    }
  });
});

describe("computeAdvantages (bad input)", () => {
  it("unknown estimator lists the known ones", () => {
    expect(() => computeAdvantages([[1]], { estimator: "nope" })).toThrow(
      /options.estimator.*"nope".*grpo, dr_grpo/,
    );
  });
  it("NaN and non-arrays name the argument", () => {
    expect(() => computeAdvantages([[1, Number.NaN]], { estimator: "grpo" })).toThrow(
      /rewards\[0\]\[1\].*NaN/,
    );
    expect(() => computeAdvantages([1] as unknown as number[][], { estimator: "grpo" })).toThrow(
      /rewards\[0\]/,
    );
  });
  it("bad options name the option", () => {
    expect(() => computeAdvantages([[1, 0]], { estimator: "grpo", epsilon: -1 })).toThrow(/options.epsilon/);
    expect(() => computeAdvantages([[1, 0]], { estimator: "ngrpo", maxReward: "x" })).toThrow(
      /options.maxReward/,
    );
  });
});
