import { describe, expect, it } from "vitest";
import { responseValues, sequenceDatum, weightedSequenceDatum } from "./datum.js";

describe("sequence data", () => {
  it("shifts prompt ++ response into aligned tokens and targets", () => {
    expect(sequenceDatum([1, 2, 3], [4, 5])).toEqual({ tokens: [1, 2, 3, 4], target_tokens: [2, 3, 4, 5] });
  });

  it("weighs only response targets, accepting zero padding", () => {
    expect(weightedSequenceDatum([1, 2], [3, 4], [0.5, -1, 0, 0])).toEqual({
      tokens: [1, 2, 3],
      target_tokens: [2, 3, 4],
      weights: [0, 0.5, -1],
    });
    expect(() => weightedSequenceDatum([1], [2, 3], [1])).toThrow(/1 entries for 2 response tokens/);
    expect(() => weightedSequenceDatum([1], [2], [1, 2])).toThrow(/beyond the response must be 0/);
  });

  it("reads the response part back", () => {
    const targets = sequenceDatum([1, 2, 3], [4, 5]).target_tokens;
    expect(responseValues(targets, 3)).toEqual([4, 5]);
    expect(() => responseValues(targets, 0)).toThrow(/promptLength/);
  });

  it("rejects empty parts", () => {
    expect(() => sequenceDatum([], [1])).toThrow(/prompt must be/);
    expect(() => sequenceDatum([1], [])).toThrow(/response must be/);
  });
});
