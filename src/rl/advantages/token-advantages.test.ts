import { describe, expect, it } from "vitest";
import { spoAdvantages } from "./spo.js";
import { tempoAdvantages } from "./tempo.js";

describe("tempoAdvantages (hand-checked)", () => {
  const a = 0.5 / (Math.SQRT1_2 + 1e-6); // GRPO advantage of rewards [1, 0]
  it("TD correction only at the branching token", () => {
    const [[first, second]] = tempoAdvantages(
      [
        [
          [7, 1, 9],
          [7, 2, 9],
        ],
      ],
      [[1, 0]],
    );
    // root → [7] shared (no branch): A = ±a; [7] branches: V([7,1]) − V([7]) = a − 0; after: no branch
    expect(first.map((value) => +value.toFixed(9))).toEqual([a, 2 * a, a].map((value) => +value.toFixed(9)));
    expect(second.map((value) => +value.toFixed(9))).toEqual(
      [-a, -2 * a, -a].map((value) => +value.toFixed(9)),
    );
  });
  it("reduces to GRPO without branching and for a group of one; tdWeight scales the correction", () => {
    expect(tempoAdvantages([[[1, 2]]], [[1]])).toEqual([[[0, 0]]]);
    const [[first]] = tempoAdvantages([[[3], [4]]], [[1, 0]], { tdWeight: 0 });
    expect(first[0]).toBeCloseTo(a, 9);
  });
  it("names bad input", () => {
    expect(() => tempoAdvantages([[[1]]], [[1, 0]])).toThrow(/tokens\[0\] has 1 samples/);
    expect(() => tempoAdvantages([], [[1]])).toThrow(/tokens must have one group/);
  });
});

describe("spoAdvantages (hand-checked)", () => {
  it("baseline from the tracker, batch scale normalisation, discounted Beta update", () => {
    const { advantages, tracker } = spoAdvantages(
      [
        { problemId: "p", reward: 1 },
        { problemId: "q", reward: 0 },
      ],
      { p: { alpha: 3, beta: 1 } },
      { decay: 0.5 },
    );
    // raw: 1 − 0.75 = 0.25, 0 − 0.5 = −0.5; std = 0.75/√2
    const spread = 0.75 / Math.SQRT2;
    expect(advantages[0]).toBeCloseTo(0.25 / (spread + 1e-6), 9);
    expect(advantages[1]).toBeCloseTo(-0.5 / (spread + 1e-6), 9);
    expect(tracker).toEqual({ p: { alpha: 2.5, beta: 0.5 }, q: { alpha: 0.25, beta: 1.25 } });
  });
  it("a single sample keeps its raw advantage; bad rewards are named", () => {
    expect(spoAdvantages([{ problemId: "p", reward: 1 }], {}).advantages).toEqual([0.5]);
    expect(() => spoAdvantages([{ problemId: "p", reward: Number.NaN }], {})).toThrow(/samples\[0\].reward/);
  });
});
