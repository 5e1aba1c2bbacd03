import { clampLogRatio } from "../losses/numerics.js";
import { assertBinaryMask, assertMatrix, assertSameShape, lookup, numberOption } from "../validate.js";

/**
 * Rollout correction: the sampler (vLLM, SGLang, the engine's sampler) and the trainer compute slightly
 * different log-probs for the same tokens, so the "on-policy" batch is off-policy. With the per-token
 * log-ratio δ_t = clamp(logp_trainer − logp_sampler, ±20) and ρ_t = exp(δ_t):
 * - token_truncate: w_t = min(ρ_t, C)  — truncated importance sampling (TIS), Yao et al. 2025, "Your
 *   Efficient RL Framework Secretly Brings You Off-Policy RL Training" (blog; verl rollout_is "token");
 * - sequence_truncate: w_t = min(ρ_seq, C), ρ_seq = exp(clamp(Σ_t δ_t, ±20)) (verl rollout_is "sequence");
 * - token_mask: drop tokens with ρ_t ∉ [C_low, C] (verl rollout_is mode "mask"; TRL vLLM IS "token_mask");
 * - sequence_mask: drop sequences with ρ_seq ∉ [C_low, C];
 * - geometric_mask: drop sequences whose geometric-mean ratio exp(mean_t δ_t) ∉ [C_low, C].
 * C = option threshold (default 2), C_low = option lowerThreshold (default 1/C).
 * Use: multiply the advantages by `weights` (every loss in `policyLosses` is positively homogeneous in A,
 * so this weights its policy-gradient term, not the KL term) and use `mask` as the loss mask.
 */
export interface CorrectionResult {
  weights_S_T: number[][];
  mask_S_T: number[][];
  metrics: Record<string, number>;
}

export interface CorrectionInput {
  trainerLogprobs_S_T: number[][];
  samplerLogprobs_S_T: number[][];
  mask_S_T: number[][];
}

type Correction = (input: CorrectionInput, threshold: number, lowerThreshold: number) => CorrectionResult;

const logRatio = (input: CorrectionInput, sequence: number, token: number) =>
  input.trainerLogprobs_S_T[sequence][token] - input.samplerLogprobs_S_T[sequence][token];

/** Σ of masked log-ratios and the masked token count of one sequence. */
function sequenceLogRatio(input: CorrectionInput, sequence: number): { sum: number; tokens: number } {
  let sum = 0;
  let tokens = 0;
  input.mask_S_T[sequence].forEach((value, token) => {
    if (value === 1) {
      sum += logRatio(input, sequence, token);
      tokens++;
    }
  });
  return { sum, tokens };
}

const tokenTruncate: Correction = (input, threshold) => ({
  weights_S_T: input.mask_S_T.map((row, sequence) =>
    row.map((value, token) =>
      value === 0 ? 0 : Math.min(Math.exp(clampLogRatio(logRatio(input, sequence, token))), threshold),
    ),
  ),
  mask_S_T: input.mask_S_T,
  metrics: {},
});

const sequenceTruncate: Correction = (input, threshold) => ({
  weights_S_T: input.mask_S_T.map((row, sequence) => {
    const weight = Math.min(Math.exp(clampLogRatio(sequenceLogRatio(input, sequence).sum)), threshold);
    return row.map((value) => (value === 0 ? 0 : weight));
  }),
  mask_S_T: input.mask_S_T,
  metrics: {},
});

const inside = (ratio: number, low: number, high: number) => ratio >= low && ratio <= high;

const tokenMask: Correction = (input, threshold, lowerThreshold) => {
  const mask_S_T = input.mask_S_T.map((row, sequence) =>
    row.map((value, token) =>
      value === 1 &&
      inside(Math.exp(clampLogRatio(logRatio(input, sequence, token))), lowerThreshold, threshold)
        ? 1
        : 0,
    ),
  );
  return { weights_S_T: mask_S_T.map((row) => [...row]), mask_S_T, metrics: {} };
};

function sequenceMaskBy(statistic: (sum: number, tokens: number) => number): Correction {
  return (input, threshold, lowerThreshold) => {
    const mask_S_T = input.mask_S_T.map((row, sequence) => {
      const { sum, tokens } = sequenceLogRatio(input, sequence);
      const keep =
        tokens === 0 || inside(Math.exp(clampLogRatio(statistic(sum, tokens))), lowerThreshold, threshold);
      return row.map((value) => (keep ? value : 0));
    });
    return { weights_S_T: mask_S_T.map((row) => [...row]), mask_S_T, metrics: {} };
  };
}

/** Rollout corrections by config name (`rolloutCorrection.mode`). */
export const rolloutCorrections = new Map<string, Correction>([
  ["token_truncate", tokenTruncate],
  ["sequence_truncate", sequenceTruncate],
  ["token_mask", tokenMask],
  ["sequence_mask", sequenceMaskBy((sum) => sum)],
  ["geometric_mask", sequenceMaskBy((sum, tokens) => sum / tokens)],
]);

/**
 * Sampler–trainer mismatch over the masked tokens, as KL(π_sampler ‖ π_trainer) estimated on the
 * sampler's tokens (Schulman 2020 estimators, x = logp_trainer − logp_sampler): k1 = −x, k3 = e^x − x − 1.
 */
export function samplerTrainerKl(input: CorrectionInput): { samplerKlK1: number; samplerKlK3: number } {
  let k1 = 0;
  let k3 = 0;
  let tokens = 0;
  for (const [sequence, row] of input.mask_S_T.entries()) {
    for (const [token, value] of row.entries()) {
      if (value === 0) continue;
      const x = logRatio(input, sequence, token);
      k1 -= x;
      k3 += Math.exp(clampLogRatio(x)) - x - 1;
      tokens++;
    }
  }
  return { samplerKlK1: tokens === 0 ? 0 : k1 / tokens, samplerKlK3: tokens === 0 ? 0 : k3 / tokens };
}

/** Validates, runs the named correction (`options.mode`) and reports the mismatch metrics. */
export function rolloutCorrection(
  input: CorrectionInput,
  options: { mode: string; threshold?: number; lowerThreshold?: number },
): CorrectionResult {
  if (options === null || typeof options !== "object") throw new Error("options must be an object");
  const correction = lookup(rolloutCorrections, "options.mode (rollout correction)", options.mode);
  assertMatrix("trainerLogprobs", input.trainerLogprobs_S_T);
  assertMatrix("samplerLogprobs", input.samplerLogprobs_S_T);
  assertMatrix("mask", input.mask_S_T);
  assertSameShape("samplerLogprobs", input.samplerLogprobs_S_T, "trainerLogprobs", input.trainerLogprobs_S_T);
  assertSameShape("mask", input.mask_S_T, "trainerLogprobs", input.trainerLogprobs_S_T);
  assertBinaryMask("mask", input.mask_S_T);
  const record = options as Record<string, unknown>;
  const threshold = numberOption(record, "threshold", 2, 1);
  const lowerThreshold = numberOption(record, "lowerThreshold", 1 / threshold, 0, 1);
  const result = correction(input, threshold, lowerThreshold);
  const before = input.mask_S_T.flat().reduce((sum, value) => sum + value, 0);
  const after = result.mask_S_T.flat().reduce((sum, value) => sum + value, 0);
  const truncated = result.weights_S_T.flat().filter((weight) => weight === threshold).length;
  const weightSum = result.weights_S_T.flat().reduce((sum, weight) => sum + weight, 0);
  Object.assign(result.metrics, samplerTrainerKl(input), {
    maskedFraction: before === 0 ? 0 : (before - after) / before,
    truncatedFraction: before === 0 ? 0 : truncated / before,
    weightMean: after === 0 ? 0 : weightSum / after,
  });
  return result;
}
