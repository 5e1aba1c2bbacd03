import { assertBinaryMask, assertMatrix, assertSameShape, lookup, numberOption } from "../validate.js";
import { aggregations } from "./aggregation.js";
import { klEstimators } from "./kl.js";
import { clampLogRatio } from "./numerics.js";
import { policyLosses } from "./registry.js";
import type {
  ClipOptions,
  LossTerms,
  PolicyLossBatch,
  PolicyLossOptions,
  PolicyLossResult,
} from "./types.js";

function validateBatch(batch: PolicyLossBatch): void {
  if (batch === null || typeof batch !== "object") throw new Error("batch must be an object");
  assertMatrix("batch.logprobs", batch.logprobs);
  for (const key of ["oldLogprobs", "advantages", "mask", "refLogprobs"] as const) {
    if (key === "refLogprobs" && batch.refLogprobs === undefined) continue;
    assertMatrix(`batch.${key}`, batch[key]);
    assertSameShape(`batch.${key}`, batch[key]!, "batch.logprobs", batch.logprobs);
  }
  assertBinaryMask("batch.mask", batch.mask);
}

function resolveClip(
  options: PolicyLossOptions,
  defaults: { clipLow: number; clipHigh?: number },
): ClipOptions {
  const record = options as unknown as Record<string, unknown>;
  const clipLow = numberOption(record, "clipLow", defaults.clipLow, 0, 1);
  const clipHigh = numberOption(record, "clipHigh", options.clipLow ?? defaults.clipHigh ?? clipLow, 0);
  const dualClip = options.dualClip === undefined ? undefined : numberOption(record, "dualClip", 3, 1);
  if (dualClip === 1) throw new Error("options.dualClip must be > 1, got 1");
  const clipPositive =
    options.clipPositive === undefined ? undefined : numberOption(record, "clipPositive", 0, 0, 1);
  const clipNegative =
    options.clipNegative === undefined ? undefined : numberOption(record, "clipNegative", 0, 0, 1);
  return { clipLow, clipHigh, dualClip, clipPositive, clipNegative };
}

/**
 * UloRL "masking of well-Mastered Positive Tokens" — Du et al. 2025, arXiv:2507.19766 §3.3: drop tokens
 * of positive-advantage sequences whose probability exp(logp) ≥ τ from the loss (decided under
 * stop-gradient). The paper applies it only while the entropy is below a target; the loop decides
 * when to pass the option.
 */
function maskMasteredTokens(batch: PolicyLossBatch, detached_S_T: number[][], threshold: number): number[][] {
  const logThreshold = Math.log(threshold);
  return batch.mask.map((row, sequence) =>
    row.map((value, token) =>
      value === 1 && batch.advantages[sequence][token] > 0 && detached_S_T[sequence][token] >= logThreshold
        ? 0
        : value,
    ),
  );
}

/** Adds klCoef·Σ w·k(logp, ref) to the terms; returns the token-mean KL for the metrics. */
function addReferenceKl(
  terms: LossTerms,
  batch: PolicyLossBatch,
  mask_S_T: number[][],
  sequenceWeights_S: number[],
  options: PolicyLossOptions,
): number {
  const coefficient = numberOption(options as unknown as Record<string, unknown>, "klCoef", 0, 0);
  const estimator = lookup(klEstimators, "options.klEstimator", options.klEstimator ?? "k3");
  const derivative = [0];
  let total = 0;
  let tokens = 0;
  for (let sequence = 0; sequence < mask_S_T.length; sequence++) {
    const mask = mask_S_T[sequence];
    const logprobs = batch.logprobs[sequence];
    const reference = batch.refLogprobs![sequence];
    const coefficients = terms.coefficients_S_T[sequence];
    const weight = coefficient * sequenceWeights_S[sequence];
    for (let token = 0; token < mask.length; token++) {
      if (mask[token] === 0) continue;
      const value = estimator(logprobs[token], reference[token], derivative);
      total += value;
      tokens++;
      if (weight === 0) continue;
      terms.loss += weight * value;
      coefficients[token] += weight * derivative[0];
    }
  }
  return tokens === 0 ? 0 : total / tokens;
}

/**
 * Token means of the ratio r (unless the loss reported it: one exp per token saved) and of the k1
 * estimate log(π_old/π) over the mask (verl's ppo_kl).
 */
function ratioMetrics(
  batch: PolicyLossBatch,
  mask_S_T: number[][],
  withRatio: boolean,
): Record<string, number> {
  let ratioSum = 0;
  let klSum = 0;
  let tokens = 0;
  for (let sequence = 0; sequence < mask_S_T.length; sequence++) {
    const mask = mask_S_T[sequence];
    const logprobs = batch.logprobs[sequence];
    const oldLogprobs = batch.oldLogprobs[sequence];
    for (let token = 0; token < mask.length; token++) {
      if (mask[token] === 0) continue;
      const logRatio = logprobs[token] - oldLogprobs[token];
      if (withRatio) ratioSum += Math.exp(clampLogRatio(logRatio));
      klSum -= logRatio;
      tokens++;
    }
  }
  const metrics: Record<string, number> = { approxKl: tokens === 0 ? 0 : klSum / tokens, tokens };
  if (withRatio) metrics.ratioMean = tokens === 0 ? 1 : ratioSum / tokens;
  return metrics;
}

/**
 * Policy loss of a batch and its per-token coefficients c[s][t] = ∂loss/∂logprobs[s][t]; the engine
 * back-propagates Σ c·logp. `options.loss` selects from `policyLosses`, `options.aggregation` from
 * `aggregations`; a KL-to-reference penalty (k1/k2/k3) is added when klCoef > 0.
 * Metrics: clipFractionLow/High, dualClipFraction (ppo), ratioMean, approxKl, tokens, policyLoss,
 * klReference (when refLogprobs is given), masteredFraction (when masteredProbability is set).
 *
 * @example policyLoss({ logprobs, oldLogprobs, advantages, mask }, { loss: "ppo", clipHigh: 0.28 })
 */
export function policyLoss(batch: PolicyLossBatch, options: PolicyLossOptions): PolicyLossResult {
  return policyLossWithDetached(batch, options, batch?.logprobs);
}

/**
 * `policyLoss` with the values seen by stop-gradient terms given separately (`detachedLogprobs`: CISPO's
 * weight, UloRL's mastered-token mask). With detachedLogprobs = batch.logprobs it is `policyLoss`; a
 * gradient check holds them fixed so that `loss` is the surrogate whose gradient the coefficients are.
 */
export function policyLossWithDetached(
  batch: PolicyLossBatch,
  options: PolicyLossOptions,
  detachedLogprobs: number[][],
): PolicyLossResult {
  if (options === null || typeof options !== "object") throw new Error("options must be an object");
  const definition = lookup(policyLosses, "options.loss (policy loss)", options.loss);
  const aggregation = lookup(aggregations, "options.aggregation", options.aggregation ?? "token_mean");
  validateBatch(batch);
  if (detachedLogprobs !== batch.logprobs) {
    assertMatrix("detachedLogprobs", detachedLogprobs);
    assertSameShape("detachedLogprobs", detachedLogprobs, "batch.logprobs", batch.logprobs);
  }
  const record = options as unknown as Record<string, unknown>;
  const clip = resolveClip(options, definition.defaults);
  const width = batch.logprobs.reduce((maximum, row) => Math.max(maximum, row.length), 0);
  const maxLength = numberOption(record, "maxLength", Math.max(width, 1), Number.MIN_VALUE);
  if ((options.klCoef ?? 0) > 0 && batch.refLogprobs === undefined) {
    throw new Error("batch.refLogprobs is required when options.klCoef > 0");
  }
  let mask_S_T = batch.mask;
  const metrics: Record<string, number> = {};
  if (options.masteredProbability !== undefined) {
    const threshold = numberOption(record, "masteredProbability", 1, Number.MIN_VALUE, 1);
    mask_S_T = maskMasteredTokens(batch, detachedLogprobs, threshold);
    const before = batch.mask.flat().reduce((sum, value) => sum + value, 0);
    const after = mask_S_T.flat().reduce((sum, value) => sum + value, 0);
    metrics.masteredFraction = before === 0 ? 0 : (before - after) / before;
  }
  const sequenceWeights_S = aggregation(mask_S_T, maxLength);
  const terms = definition.compute(
    {
      logprobs_S_T: batch.logprobs,
      oldLogprobs_S_T: batch.oldLogprobs,
      advantages_S_T: batch.advantages,
      mask_S_T,
      sequenceWeights_S,
      detachedLogprobs_S_T: detachedLogprobs,
    },
    clip,
  );
  Object.assign(metrics, ratioMetrics(batch, mask_S_T, terms.metrics.ratioMean === undefined), terms.metrics);
  metrics.policyLoss = terms.loss;
  if (batch.refLogprobs !== undefined) {
    metrics.klReference = addReferenceKl(terms, batch, mask_S_T, sequenceWeights_S, options);
  } else {
    lookup(klEstimators, "options.klEstimator", options.klEstimator ?? "k3");
  }
  return { loss: terms.loss, coefficients: terms.coefficients_S_T, metrics };
}
