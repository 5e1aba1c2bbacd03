import { describe, expect, it } from "vitest";
import { rolloutCorrection } from "./rollout-correction.js";

// Two sequences; token log-ratios (trainer − sampler): [ln 3, ln 0.9, –] and [ln 1.2, ln 0.25, ln 1].
const input = {
  trainerLogprobs_S_T: [
    [Math.log(3), Math.log(0.9), 0],
    [Math.log(1.2), Math.log(0.25), 0],
  ],
  samplerLogprobs_S_T: [
    [0, 0, 0],
    [0, 0, 0],
  ],
  mask_S_T: [
    [1, 1, 0],
    [1, 1, 1],
  ],
};

describe("rolloutCorrection (hand-checked, threshold C = 2, C_low = 1/2)", () => {
  it("token_truncate: w = min(ρ, C)", () => {
    const { weights_S_T, metrics } = rolloutCorrection(input, { mode: "token_truncate" });
    expect(weights_S_T[0].map((w) => +w.toFixed(12))).toEqual([2, 0.9, 0]);
    expect(weights_S_T[1].map((w) => +w.toFixed(12))).toEqual([1.2, 0.25, 1]);
    expect(metrics.truncatedFraction).toBeCloseTo(1 / 5, 12);
  });
  it("sequence_truncate: one weight per sequence, min(Π ρ, C)", () => {
    const { weights_S_T } = rolloutCorrection(input, { mode: "sequence_truncate" });
    expect(weights_S_T[0]).toEqual([2, 2, 0]); // 3·0.9 = 2.7 → 2
    expect(weights_S_T[1][0]).toBeCloseTo(0.3, 12); // 1.2·0.25·1
  });
  it("token_mask and sequence masks drop what lies outside [C_low, C]", () => {
    expect(rolloutCorrection(input, { mode: "token_mask" }).mask_S_T).toEqual([
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(rolloutCorrection(input, { mode: "sequence_mask" }).mask_S_T).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // geometric means: sqrt(2.7) ≈ 1.64 (kept), cbrt(0.3) ≈ 0.67 (kept)
    const geometric = rolloutCorrection(input, { mode: "geometric_mask" });
    expect(geometric.mask_S_T).toEqual(input.mask_S_T);
    expect(
      rolloutCorrection(input, { mode: "token_mask", threshold: 4, lowerThreshold: 0.3 }).metrics
        .maskedFraction,
    ).toBeCloseTo(0.2, 12);
  });
  it("reports the sampler–trainer KL (k1, k3)", () => {
    const x = [Math.log(3), Math.log(0.9), Math.log(1.2), Math.log(0.25), 0];
    const k1 = -x.reduce((sum, value) => sum + value, 0) / 5;
    const k3 = x.reduce((sum, value) => sum + Math.exp(value) - value - 1, 0) / 5;
    const { metrics } = rolloutCorrection(input, { mode: "token_truncate" });
    expect(metrics.samplerKlK1).toBeCloseTo(k1, 12);
    expect(metrics.samplerKlK3).toBeCloseTo(k3, 12);
  });
  it("names bad input", () => {
    expect(() => rolloutCorrection(input, { mode: "nope" })).toThrow(/options.mode.*token_truncate/);
    expect(() => rolloutCorrection({ ...input, mask_S_T: [[1]] }, { mode: "token_mask" })).toThrow(
      /mask has 1 rows/,
    );
    expect(() => rolloutCorrection(input, { mode: "token_mask", threshold: 0.5 })).toThrow(
      /options.threshold/,
    );
  });
});
