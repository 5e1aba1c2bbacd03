import { clampedExp, zerosLike } from "./numerics.js";
import type { LossInput, LossTerms, PolicyLossDefinition } from "./types.js";

/** Σ_t w_t·ℓ_t for a token-local loss given as value and derivative of one token. */
function tokenLocalLoss(
  input: LossInput,
  term: (logprob: number, oldLogprob: number, advantage: number) => { value: number; derivative: number },
): LossTerms {
  const coefficients_S_T = zerosLike(input.logprobs_S_T);
  let loss = 0;
  for (let sequence = 0; sequence < input.logprobs_S_T.length; sequence++) {
    const logprobs = input.logprobs_S_T[sequence];
    const weights = input.weights_S_T[sequence];
    for (let token = 0; token < logprobs.length; token++) {
      if (input.mask_S_T[sequence][token] === 0) continue;
      const result = term(
        logprobs[token],
        input.oldLogprobs_S_T[sequence][token],
        input.advantages_S_T[sequence][token],
      );
      loss += weights[token] * result.value;
      coefficients_S_T[sequence][token] = weights[token] * result.derivative;
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
    tokenLocalLoss(input, (logprob, _old, advantage) => ({
      value: -advantage * logprob,
      derivative: -advantage,
    })),
};

/**
 * Importance-sampled policy gradient without clipping (tinker's "importance_sampling"; the off-policy
 * REINFORCE estimator, see Degris et al. 2012, arXiv:1205.4839):
 *   r_t = exp(clamp(logp_t − logp_old_t, ±20)),  ℓ_t = −A_t·r_t,  ∂ℓ_t/∂logp_t = −A_t·r_t.
 */
export const importanceSamplingLoss: PolicyLossDefinition = {
  defaults: { clipLow: 0 },
  compute: (input) =>
    tokenLocalLoss(input, (logprob, oldLogprob, advantage) => {
      const ratio = clampedExp(logprob - oldLogprob);
      return { value: -advantage * ratio.value, derivative: -advantage * ratio.derivative };
    }),
};
