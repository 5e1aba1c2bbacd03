import { describe, expect, it } from "vitest";
import { broadcastAdvantages, flattenGroups, responseMask, unflattenGroups } from "./broadcast.js";

describe("broadcastAdvantages / responseMask", () => {
  it("pads to the longest length, zero-length response gives an empty row of zeros", () => {
    expect(responseMask([2, 0, 3])).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(broadcastAdvantages([0.5, -1, 2], [2, 0, 3])).toEqual([
      [0.5, 0.5, 0],
      [0, 0, 0],
      [2, 2, 2],
    ]);
  });
  it("honours an explicit width", () => {
    expect(responseMask([1], 3)).toEqual([[1, 0, 0]]);
    expect(() => responseMask([4], 3)).toThrow(/width/);
  });
  it("rejects mismatched or invalid input, naming the argument", () => {
    expect(() => broadcastAdvantages([1], [1, 2])).toThrow(/advantages has 1.*lengths has 2/);
    expect(() => responseMask([1.5])).toThrow(/lengths\[0\]/);
    expect(() => broadcastAdvantages([Number.NaN], [1])).toThrow(/advantages\[0\]/);
  });
  it("flattens and unflattens groups", () => {
    const groups = [[1, 2], [3], [4, 5, 6]];
    expect(unflattenGroups(flattenGroups(groups), [2, 1, 3])).toEqual(groups);
    expect(() => unflattenGroups([1, 2], [3])).toThrow(/groupSizes/);
  });
});
