import { clippedSurrogate } from "./clipped-surrogate.js";
import { clampedExp, zerosLike } from "./numerics.js";
import type { PolicyLossDefinition } from "./types.js";

/**
 * GSPO: sequence-level importance ratio — Zheng et al. 2025, "Group Sequence Policy Optimization",
 * arXiv:2507.18071. The ratio is the geometric mean of the token ratios over the |y_s| masked tokens:
 *   s = exp(clamp((1/|y|) Σ_t (logp_t − logp_old_t), ±20)),
 *   ℓ_t = max(−A_t·s, −A_t·clip(s, 1−ε_low, 1+ε_high)),   L = Σ_t w_t·ℓ_t.
 * The coefficients are the exact derivative (every token's ℓ depends on every logp of its sequence):
 *   ∂L/∂logp_u = (s/|y|)·Σ_t w_t·∂ℓ_t/∂s.
 * With one advantage per sequence this is the paper's gradient (GSPO-token gives the same there).
 * Paper defaults ε_low = 3e-4, ε_high = 4e-4.
 */
export const gspoLoss: PolicyLossDefinition = {
  defaults: { clipLow: 3e-4, clipHigh: 4e-4 },
  compute(input, clip) {
    const coefficients_S_T = zerosLike(input.logprobs_S_T);
    let loss = 0;
    let tokens = 0;
    let clippedLow = 0;
    let clippedHigh = 0;
    for (let sequence = 0; sequence < input.logprobs_S_T.length; sequence++) {
      const mask = input.mask_S_T[sequence];
      const length = mask.reduce((sum, value) => sum + value, 0);
      if (length === 0) continue;
      let logRatioSum = 0;
      for (let token = 0; token < mask.length; token++) {
        if (mask[token] === 1) {
          logRatioSum += input.logprobs_S_T[sequence][token] - input.oldLogprobs_S_T[sequence][token];
        }
      }
      const ratio = clampedExp(logRatioSum / length);
      let slopeSum = 0;
      for (let token = 0; token < mask.length; token++) {
        if (mask[token] === 0) continue;
        const term = clippedSurrogate(ratio.value, input.advantages_S_T[sequence][token], clip);
        const weight = input.weights_S_T[sequence][token];
        loss += weight * term.value;
        slopeSum += weight * term.slope;
        tokens++;
        if (term.clippedLow) clippedLow++;
        if (term.clippedHigh) clippedHigh++;
      }
      const coefficient = (slopeSum * ratio.derivative) / length;
      for (let token = 0; token < mask.length; token++) {
        if (mask[token] === 1) coefficients_S_T[sequence][token] = coefficient;
      }
    }
    const fraction = (count: number) => (tokens === 0 ? 0 : count / tokens);
    return {
      loss,
      coefficients_S_T,
      metrics: { clipFractionLow: fraction(clippedLow), clipFractionHigh: fraction(clippedHigh) },
    };
  },
};
