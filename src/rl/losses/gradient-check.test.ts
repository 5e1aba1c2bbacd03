import { describe, expect, it } from "vitest";
import { aggregations } from "./aggregation.js";
import { klEstimators } from "./kl.js";
import { policyLossWithDetached } from "./policy-loss.js";
import { policyLosses } from "./registry.js";
import type { AggregationName, KlEstimatorName, PolicyLossBatch, PolicyLossOptions } from "./types.js";

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ragged-length sequences (one of them empty), some tokens far enough from π_old to be clipped. */
function randomBatch(seed: number): PolicyLossBatch {
  const next = random(seed);
  const lengths = [5, 3, 0, 4];
  const width = 5;
  const logprobs = lengths.map(() => Array.from({ length: width }, () => -0.05 - 3 * next()));
  const oldLogprobs = logprobs.map((row) => row.map((value) => value + (next() - 0.5) * 0.8));
  const advantages = lengths.map((length) => {
    const advantage = next() < 0.5 ? -0.5 - next() : 0.5 + next();
    return Array.from({ length: width }, (_, token) => (token < length ? advantage + 0.3 * next() : 0));
  });
  const mask = lengths.map((length) => Array.from({ length: width }, (_, token) => (token < length ? 1 : 0)));
  const refLogprobs = logprobs.map((row) => row.map((value) => value + (next() - 0.5) * 0.6));
  return { logprobs, oldLogprobs, advantages, mask, refLogprobs };
}

/** max over tokens of |fd − c| / max(|fd|, |c|, 1e-6), holding the stop-gradient inputs fixed. */
function worstRelativeError(batch: PolicyLossBatch, options: PolicyLossOptions): number {
  const detached = batch.logprobs.map((row) => [...row]);
  const { coefficients } = policyLossWithDetached(batch, options, detached);
  const step = 1e-6;
  let worst = 0;
  for (let sequence = 0; sequence < batch.logprobs.length; sequence++) {
    for (let token = 0; token < batch.logprobs[sequence].length; token++) {
      const shifted = (delta: number) => {
        const logprobs = batch.logprobs.map((row) => [...row]);
        logprobs[sequence][token] += delta;
        return policyLossWithDetached({ ...batch, logprobs }, options, detached).loss;
      };
      const finiteDifference = (shifted(step) - shifted(-step)) / (2 * step);
      const coefficient = coefficients[sequence][token];
      const scale = Math.max(Math.abs(finiteDifference), Math.abs(coefficient), 1e-6);
      worst = Math.max(worst, Math.abs(finiteDifference - coefficient) / scale);
    }
  }
  return worst;
}

describe("gradient check: coefficients = ∂loss/∂logprobs for every loss × aggregation", () => {
  const klNames = [...klEstimators.keys()] as KlEstimatorName[];
  let caseIndex = 0;
  for (const loss of policyLosses.keys()) {
    for (const aggregation of aggregations.keys() as Iterable<AggregationName>) {
      const klEstimator = klNames[caseIndex % klNames.length];
      const seed = 1000 + caseIndex++;
      it(`${loss} × ${aggregation} (+ ${klEstimator} KL, dual clip, clip-higher)`, () => {
        const batch = randomBatch(seed);
        const options: PolicyLossOptions = { loss, aggregation, klCoef: 0.1, klEstimator, dualClip: 3 };
        if (loss === "ppo") options.clipHigh = 0.28;
        if (loss === "gspo") Object.assign(options, { clipLow: 0.05, clipHigh: 0.08 });
        expect(worstRelativeError(batch, options)).toBeLessThan(1e-4);
        expect(worstRelativeError(batch, { loss, aggregation })).toBeLessThan(1e-4);
      });
    }
  }
  it("ppo with NGRPO per-sign clipping and UloRL mastered-token masking", () => {
    const batch = randomBatch(77);
    batch.logprobs[0][0] = Math.log(0.995); // a mastered token of a positive sequence: masked
    batch.advantages[0] = batch.advantages[0].map(Math.abs);
    const masked = policyLossWithDetached(batch, { loss: "ppo", masteredProbability: 0.99 }, batch.logprobs);
    expect(masked.metrics.masteredFraction).toBeGreaterThan(0);
    expect(masked.coefficients[0][0]).toBe(0);
    for (const aggregation of aggregations.keys() as Iterable<AggregationName>) {
      const options: PolicyLossOptions = {
        loss: "ppo",
        aggregation,
        clipPositive: 0.3,
        clipNegative: 0.1,
        masteredProbability: 0.99,
      };
      expect(worstRelativeError(batch, options)).toBeLessThan(1e-4);
    }
  });
  it("on-policy (logp = logp_old) every loss has the REINFORCE gradient −A·w", () => {
    const batch = randomBatch(5);
    batch.oldLogprobs = batch.logprobs.map((row) => [...row]);
    batch.advantages = batch.advantages.map((row, sequence) => row.map(() => row[0] || sequence - 1));
    const reference = policyLossWithDetached(batch, { loss: "reinforce" }, batch.logprobs).coefficients;
    for (const loss of policyLosses.keys()) {
      const { coefficients } = policyLossWithDetached(batch, { loss }, batch.logprobs);
      coefficients.forEach((row, sequence) => {
        row.forEach((value, token) => {
          expect(value, `${loss}[${sequence}][${token}]`).toBeCloseTo(reference[sequence][token], 12);
        });
      });
    }
  });
  it("some coefficients of the ppo check are zeroed by clipping (the check covers both branches)", () => {
    const batch = randomBatch(1000);
    const { metrics } = policyLossWithDetached(batch, { loss: "ppo" }, batch.logprobs);
    expect(metrics.clipFractionLow + metrics.clipFractionHigh).toBeGreaterThan(0);
    expect(metrics.clipFractionLow + metrics.clipFractionHigh).toBeLessThan(1);
  });
});
