import { describe, expect, it } from "vitest";
import { aggregations } from "./aggregation.js";
import { klEstimators } from "./kl.js";
import { policyLoss } from "./policy-loss.js";

/** One token with log-ratio log(ratio) and advantage A, token_mean aggregation. */
function single(ratio: number, advantage: number, options: Record<string, unknown> = {}) {
  return policyLoss(
    { logprobs: [[Math.log(ratio) - 1]], oldLogprobs: [[-1]], advantages: [[advantage]], mask: [[1]] },
    { loss: "ppo", ...options },
  );
}

describe("policyLoss ppo (hand-checked)", () => {
  it("inside the clip range: ℓ = −A·r, c = −A·r", () => {
    const result = single(1.1, 2);
    expect(result.loss).toBeCloseTo(-2.2, 12);
    expect(result.coefficients[0][0]).toBeCloseTo(-2.2, 12);
  });
  it("A > 0, r above 1+ε_high: clipped value, zero coefficient, clipFractionHigh = 1", () => {
    const result = single(1.5, 1);
    expect(result.loss).toBeCloseTo(-1.2, 12);
    expect(result.coefficients[0][0]).toBe(0);
    expect(result.metrics.clipFractionHigh).toBe(1);
  });
  it("clip-higher: clipHigh 0.28 lets r = 1.25 through", () => {
    expect(single(1.25, 1, { clipHigh: 0.28 }).coefficients[0][0]).toBeCloseTo(-1.25, 12);
    expect(single(1.25, 1).coefficients[0][0]).toBe(0);
  });
  it("A < 0, r below 1−ε_low: clipped at 0.8·|A|", () => {
    const result = single(0.5, -1);
    expect(result.loss).toBeCloseTo(0.8, 12);
    expect(result.coefficients[0][0]).toBe(0);
    expect(result.metrics.clipFractionLow).toBe(1);
  });
  it("A < 0, r large: unclipped −A·r, dual clip caps it at −A·c", () => {
    expect(single(4, -1).loss).toBeCloseTo(4, 12);
    expect(single(4, -1).coefficients[0][0]).toBeCloseTo(4, 12);
    const dual = single(4, -1, { dualClip: 3 });
    expect(dual.loss).toBeCloseTo(3, 12);
    expect(dual.coefficients[0][0]).toBe(0);
    expect(dual.metrics.dualClipFraction).toBe(1);
  });
  it("NGRPO per-sign clipping: clipPositive 0.3 widens only A > 0", () => {
    expect(single(1.25, 1, { clipPositive: 0.3, clipNegative: 0.1 }).coefficients[0][0]).toBeCloseTo(
      -1.25,
      12,
    );
    expect(single(0.85, -1, { clipPositive: 0.3, clipNegative: 0.1 }).coefficients[0][0]).toBe(0);
  });
  it("log-ratio is clamped at ±20 before exp", () => {
    const result = single(Math.exp(50), -1);
    expect(result.loss).toBeCloseTo(Math.exp(20), 0);
    expect(result.coefficients[0][0]).toBe(0);
    expect(Number.isFinite(result.metrics.ratioMean)).toBe(true);
  });
});

describe("policyLoss other losses (hand-checked)", () => {
  const batch = { logprobs: [[-0.5, -2]], oldLogprobs: [[-0.5, -2]], advantages: [[1, 1]], mask: [[1, 1]] };
  it("reinforce: ℓ = −A·logp, c = −A/N", () => {
    const result = policyLoss(batch, { loss: "reinforce" });
    expect(result.loss).toBeCloseTo(1.25, 12);
    expect(result.coefficients).toEqual([[-0.5, -0.5]]);
  });
  it("gspo: geometric-mean ratio shared by the sequence", () => {
    const shifted = { ...batch, logprobs: [[-0.5 + 0.1, -2 - 0.1]] }; // mean log-ratio 0 → s = 1
    const result = policyLoss(shifted, { loss: "gspo" });
    expect(result.loss).toBeCloseTo(-1, 12);
    expect(result.coefficients[0][0]).toBeCloseTo(-0.5, 12);
    expect(result.coefficients[0][1]).toBeCloseTo(-0.5, 12);
  });
  it("cispo: clipped weight, every token keeps a gradient", () => {
    const far = { ...batch, logprobs: [[-0.5 + Math.log(2), -2]] }; // ratio 2 → weight 1.28
    const result = policyLoss(far, { loss: "cispo" });
    expect(result.coefficients[0][0]).toBeCloseTo(-1.28 / 2, 12);
    expect(result.coefficients[0][1]).toBeCloseTo(-1 / 2, 12);
    expect(result.metrics.clipFractionHigh).toBe(0.5);
  });
});

describe("aggregations and KL (hand-checked)", () => {
  const mask = [
    [1, 1, 0],
    [1, 0, 0],
  ];
  it("weights of every aggregation (one per sequence)", () => {
    expect(aggregations.get("token_mean")!(mask, 3)).toEqual([1 / 3, 1 / 3]);
    expect(aggregations.get("seq_mean_token_mean")!(mask, 3)).toEqual([0.25, 0.5]);
    expect(aggregations.get("seq_mean_token_sum")!(mask, 3)).toEqual([0.5, 0.5]);
    expect(aggregations.get("seq_mean_token_sum_norm")!(mask, 4)).toEqual([1 / 8, 1 / 8]);
  });
  it("zero-length responses and all-masked batches give loss 0 and zero coefficients", () => {
    for (const aggregation of aggregations.keys()) {
      const result = policyLoss(
        {
          logprobs: [[-1, -1], []],
          oldLogprobs: [[-1, -1], []],
          advantages: [[1, 1], []],
          mask: [[0, 0], []],
        },
        { loss: "ppo", aggregation: aggregation as "token_mean" },
      );
      expect(result.loss).toBe(0);
      expect(result.coefficients).toEqual([[0, 0], []]);
    }
  });
  it("k1, k2, k3 values; k3 clamped to 10", () => {
    const x = Math.log(2); // ref − logp
    const derivative = [Number.NaN];
    expect(klEstimators.get("k1")!(0, x, derivative)).toBeCloseTo(-x, 12);
    expect(derivative[0]).toBe(1);
    expect(klEstimators.get("k2")!(0, x, derivative)).toBeCloseTo((x * x) / 2, 12);
    expect(derivative[0]).toBeCloseTo(-x, 12);
    expect(klEstimators.get("k3")!(0, x, derivative)).toBeCloseTo(2 - x - 1, 12);
    expect(derivative[0]).toBeCloseTo(1 - 2, 12);
    expect(klEstimators.get("k3")!(0, 30, derivative)).toBe(10);
    expect(derivative[0]).toBe(0);
  });
  it("klCoef adds the penalty and reports klReference", () => {
    const batch = {
      logprobs: [[0]],
      oldLogprobs: [[0]],
      advantages: [[0]],
      mask: [[1]],
      refLogprobs: [[Math.log(2)]],
    };
    const result = policyLoss(batch, { loss: "ppo", klCoef: 0.5, klEstimator: "k3" });
    expect(result.loss).toBeCloseTo(0.5 * (1 - Math.log(2)), 12);
    expect(result.coefficients[0][0]).toBeCloseTo(0.5 * (1 - 2), 12);
    expect(result.metrics.klReference).toBeCloseTo(1 - Math.log(2), 12);
  });
  it("UloRL: masteredProbability drops confident tokens of positive sequences", () => {
    const batch = {
      logprobs: [
        [Math.log(0.995), Math.log(0.5)],
        [Math.log(0.995), -1],
      ],
      oldLogprobs: [
        [Math.log(0.995), Math.log(0.5)],
        [Math.log(0.995), -1],
      ],
      advantages: [
        [1, 1],
        [-1, -1],
      ],
      mask: [
        [1, 1],
        [1, 1],
      ],
    };
    const result = policyLoss(batch, { loss: "ppo", masteredProbability: 0.99 });
    expect(result.coefficients[0][0]).toBe(0);
    expect(result.coefficients[1][0]).not.toBe(0);
    expect(result.metrics.masteredFraction).toBe(0.25);
  });
});

describe("policyLoss metrics", () => {
  it("ratioMean and approxKl agree across losses (reported by the loss or computed generically)", () => {
    const batch = {
      logprobs: [
        [Math.log(0.5), Math.log(0.2)],
        [Math.log(0.4), 0],
      ],
      oldLogprobs: [
        [Math.log(0.25), Math.log(0.2)],
        [Math.log(0.8), 0],
      ],
      advantages: [
        [1, 1],
        [-1, 0],
      ],
      mask: [
        [1, 1],
        [1, 0],
      ],
    };
    for (const loss of ["ppo", "reinforce", "importance_sampling", "cispo"]) {
      const { metrics } = policyLoss(batch, { loss });
      expect(metrics.ratioMean, loss).toBeCloseTo((2 + 1 + 0.5) / 3, 12);
      expect(metrics.approxKl, loss).toBeCloseTo(-(Math.log(2) + 0 + Math.log(0.5)) / 3, 12);
      expect(metrics.tokens, loss).toBe(3);
    }
  });
});

describe("policyLoss (bad input)", () => {
  const good = { logprobs: [[-1]], oldLogprobs: [[-1]], advantages: [[1]], mask: [[1]] };
  it("names the argument and the problem", () => {
    expect(() => policyLoss(good, { loss: "nope" })).toThrow(/options.loss.*"nope".*ppo/);
    expect(() => policyLoss({ ...good, mask: [[1, 1]] }, { loss: "ppo" })).toThrow(
      /batch.mask\[0\] has length 2/,
    );
    expect(() => policyLoss({ ...good, advantages: [] }, { loss: "ppo" })).toThrow(
      /batch.advantages has 0 rows/,
    );
    expect(() => policyLoss({ ...good, logprobs: [[Number.NaN]] }, { loss: "ppo" })).toThrow(
      /batch.logprobs\[0\]\[0\]/,
    );
    expect(() => policyLoss({ ...good, mask: [[0.5]] }, { loss: "ppo" })).toThrow(
      /batch.mask\[0\]\[0\] must be 0 or 1/,
    );
    expect(() => policyLoss(good, { loss: "ppo", klCoef: 0.1 })).toThrow(/refLogprobs is required/);
    expect(() => policyLoss(good, { loss: "ppo", clipLow: -0.1 })).toThrow(/options.clipLow/);
    expect(() => policyLoss(good, { loss: "ppo", dualClip: 0.5 })).toThrow(/options.dualClip/);
    expect(() => policyLoss(good, { loss: "ppo", aggregation: "x" as "token_mean" })).toThrow(
      /options.aggregation/,
    );
    expect(() => policyLoss(good, { loss: "ppo", klEstimator: "k9" as "k1" })).toThrow(
      /options.klEstimator.*k1, k2, k3/,
    );
    expect(() =>
      policyLoss({ ...good, refLogprobs: [[0]] }, { loss: "ppo", klEstimator: "k9" as "k1" }),
    ).toThrow(/options.klEstimator/);
  });
});
