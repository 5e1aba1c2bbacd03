import { describe, expect, it } from "vitest";
import { computeAdvantages, policyLoss } from "../index.js";

/** The issue-5 contract, called from the package root as external checks do. */
describe("package root contract", () => {
  it("computeAdvantages(rewards, { estimator }) keeps the shape", () => {
    const advantages = computeAdvantages([[1, 0, 0, 1], [1]], { estimator: "grpo", epsilon: 1e-6 });
    expect(advantages[0][0]).toBeCloseTo(0.866025, 5);
    expect(advantages[1]).toEqual([0]);
  });
  it("policyLoss(batch, options) → { loss, coefficients, metrics } with zeros where the mask is 0", () => {
    const result = policyLoss(
      {
        logprobs: [[-1, -2, -3]],
        oldLogprobs: [[-1.1, -2, -2.5]],
        advantages: [[1, 1, 1]],
        mask: [[1, 1, 0]],
        refLogprobs: [[-1, -1.5, -3]],
      },
      {
        loss: "ppo",
        clipLow: 0.2,
        clipHigh: 0.28,
        dualClip: 3,
        aggregation: "token_mean",
        klCoef: 0.1,
        klEstimator: "k3",
      },
    );
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.coefficients[0][2]).toBe(0);
    expect(Object.keys(result.metrics)).toEqual(
      expect.arrayContaining(["clipFractionLow", "clipFractionHigh", "approxKl", "ratioMean", "klReference"]),
    );
  });
});
