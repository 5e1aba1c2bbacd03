import { clampLogRatio, zerosLike } from "./numerics.js";
import type { LossInput, LossTerms, PolicyLossDefinition } from "./types.js";

/**
 * Σ_t w_t·ℓ_t for a token-local loss. `term` returns ℓ_t and writes ∂ℓ_t/∂logp_t into `slope[0]`
 * (a reused one-slot array: no allocation per token).
 */
function tokenLocalLoss(
  input: LossInput,
  term: (logprob: number, oldLogprob: number, advantage: number, slope: number[]) => number,
): LossTerms {
  const coefficients_S_T = zerosLike(input.logprobs_S_T);
  const slope = [0];
  let loss = 0;
  for (let sequence = 0; sequence < input.logprobs_S_T.length; sequence++) {
    const logprobs = input.logprobs_S_T[sequence];
    const oldLogprobs = input.oldLogprobs_S_T[sequence];
    const advantages = input.advantages_S_T[sequence];
    const mask = input.mask_S_T[sequence];
    const coefficients = coefficients_S_T[sequence];
    const weight = input.sequenceWeights_S[sequence];
    for (let token = 0; token < logprobs.length; token++) {
      if (mask[token] === 0) continue;
      loss += weight * term(logprobs[token], oldLogprobs[token], advantages[token], slope);
      coefficients[token] = weight * slope[0];
    }
  }
  return { loss, coefficients_S_T, metrics: {} };
}

/**
 * REINFORCE (vanilla policy gradient) — Williams 1992, "Simple statistical gradient-following
 * algorithms" (no arXiv); on-policy form used by RLOO, arXiv:2402.14740:
 *   ℓ_t = −A_t·logp_t,  ∂ℓ_t/∂logp_t = −A_t.   (Ignores oldLogprobs: meant for on-policy updates.)
 */
export const reinforceLoss: PolicyLossDefinition = {
  defaults: { clipLow: 0 },
  compute: (input) =>
    tokenLocalLoss(input, (logprob, _old, advantage, slope) => {
      slope[0] = -advantage;
      return -advantage * logprob;
    }),
};

/**
 * Importance-sampled policy gradient without clipping (tinker's "importance_sampling"; the off-policy
 * REINFORCE estimator, see Degris et al. 2012, arXiv:1205.4839):
 *   r_t = exp(clamp(logp_t − logp_old_t, ±20)),  ℓ_t = −A_t·r_t,  ∂ℓ_t/∂logp_t = −A_t·r_t.
 */
export const importanceSamplingLoss: PolicyLossDefinition = {
  defaults: { clipLow: 0 },
  compute: (input) =>
    tokenLocalLoss(input, (logprob, oldLogprob, advantage, slope) => {
      const logRatio = logprob - oldLogprob;
      const clamped = clampLogRatio(logRatio);
      const ratio = Math.exp(clamped);
      slope[0] = clamped === logRatio ? -advantage * ratio : 0;
      return -advantage * ratio;
    }),
};
