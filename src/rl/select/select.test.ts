import { describe, expect, it } from "vitest";
import { curriculumWeights, selectCurriculum, updatePassRates } from "./curriculum.js";
import { filterBatch } from "./filters.js";
import { addToReplay, createReplayBuffer, sampleReplay } from "./replay-buffer.js";

/** A random source that returns the given values in turn. */
const sequence = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length];
};

describe("batch filters", () => {
  it("dynamic_sampling drops all-equal groups and says which kind", () => {
    const result = filterBatch([[1, 0], [1, 1], [0, 0], [0.5, 0.5], [1]], { filter: "dynamic_sampling" });
    expect(result.kept).toEqual([0]);
    expect(result.metrics).toEqual({ dropped: 4, droppedAllCorrect: 2, droppedAllWrong: 2 });
  });
  it("dynamic_sampling strategies: drop only all-correct or only all-wrong groups", () => {
    const rewards = [
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(filterBatch(rewards, { filter: "dynamic_sampling", strategy: "all_correct" }).kept).toEqual([
      0, 2,
    ]);
    expect(filterBatch(rewards, { filter: "dynamic_sampling", strategy: "all_wrong" }).kept).toEqual([0, 1]);
    expect(() => filterBatch(rewards, { filter: "dynamic_sampling", strategy: "x" })).toThrow(
      /options.strategy/,
    );
  });
  it("difficulty keeps pass rates in [lo, hi]", () => {
    const rewards = [
      [1, 1, 1, 1],
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
      [1, 1, 1, 0],
    ];
    const result = filterBatch(rewards, { filter: "difficulty" });
    expect(result.kept).toEqual([1, 2, 4]);
    expect(result.metrics).toEqual({ dropped: 2, droppedTooEasy: 1, droppedTooHard: 1 });
    expect(filterBatch(rewards, { filter: "difficulty", low: 0.5, high: 0.5 }).kept).toEqual([2]);
  });
  it("names bad input", () => {
    expect(() => filterBatch([[1]], { filter: "nope" })).toThrow(/options.filter.*dynamic_sampling/);
    expect(() => filterBatch([[Number.NaN]], { filter: "difficulty" })).toThrow(/rewards\[0\]\[0\]/);
    expect(() => filterBatch([[1]], { filter: "difficulty", low: 0.8, high: 0.2 })).toThrow(/options.high/);
  });
});

describe("selective replay buffer", () => {
  it("keeps only non-zero advantages, evicts the oldest, draws ∝ |A|", () => {
    let buffer = createReplayBuffer<{ advantage: number; id: string }>(2);
    buffer = addToReplay(buffer, [
      { advantage: 0, id: "a" },
      { advantage: 1, id: "b" },
      { advantage: -3, id: "c" },
      { advantage: 2, id: "d" },
    ]);
    expect(buffer.items.map((item) => item.id)).toEqual(["c", "d"]);
    // weights 3 and 2 (total 5): 0.5·5 = 2.5 < 3 → c; 0.7·5 = 3.5 ≥ 3 → d
    expect(sampleReplay(buffer, 2, sequence(0.5, 0.7)).map((item) => item.id)).toEqual(["c", "d"]);
    expect(sampleReplay(createReplayBuffer(3), 2, Math.random)).toEqual([]);
    expect(() => createReplayBuffer(0)).toThrow(/capacity/);
  });
});

describe("pass-rate curriculum", () => {
  it("moving average of pass rates; weights p(1 − p) + floor", () => {
    let state = updatePassRates({}, [{ problemId: "x", passRate: 1, attempts: 4 }]);
    state = updatePassRates(state, [{ problemId: "x", passRate: 0.5, attempts: 4 }], 0.5);
    expect(state.x).toEqual({ passRate: 0.75, attempts: 8 });
    expect(curriculumWeights(["x", "new"], state, 0)).toEqual([0.1875, 0.25]);
    expect(() => updatePassRates(state, [{ problemId: "y", passRate: 2, attempts: 1 }])).toThrow(/passRate/);
  });
  it("selects distinct problems ∝ weight", () => {
    const state = { solved: { passRate: 1, attempts: 8 }, frontier: { passRate: 0.5, attempts: 8 } };
    expect(selectCurriculum(["solved", "frontier"], state, 1, sequence(0.5), 0)).toEqual(["frontier"]);
    expect(selectCurriculum(["solved", "frontier"], state, 5, sequence(0.1), 0.01).sort()).toEqual([
      "frontier",
      "solved",
    ]);
  });
});
