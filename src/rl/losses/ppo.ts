import { clippedSurrogate } from "./clipped-surrogate.js";
import { clampedExp, zerosLike } from "./numerics.js";
import type { PolicyLossDefinition } from "./types.js";

/**
 * PPO clipped policy loss per token — Schulman et al. 2017, arXiv:1707.06347, with DAPO clip-higher
 * (arXiv:2503.14476), dual clip (arXiv:1912.09729) and NGRPO per-sign clipping (arXiv:2509.18851):
 *   r_t = exp(clamp(logp_t − logp_old_t, ±20)),  ℓ_t = max(−A_t·r_t, −A_t·clip(r_t, 1−ε_low, 1+ε_high))
 *   L = Σ_t w_t·ℓ_t,   ∂L/∂logp_t = w_t·(∂ℓ_t/∂r_t)·r_t   (0 where a clip is active).
 */
export const ppoLoss: PolicyLossDefinition = {
  defaults: { clipLow: 0.2 },
  compute(input, clip) {
    const coefficients_S_T = zerosLike(input.logprobs_S_T);
    let loss = 0;
    let tokens = 0;
    let clippedLow = 0;
    let clippedHigh = 0;
    let dualClipped = 0;
    for (let sequence = 0; sequence < input.logprobs_S_T.length; sequence++) {
      const logprobs = input.logprobs_S_T[sequence];
      const oldLogprobs = input.oldLogprobs_S_T[sequence];
      const advantages = input.advantages_S_T[sequence];
      const weights = input.weights_S_T[sequence];
      const mask = input.mask_S_T[sequence];
      const coefficients = coefficients_S_T[sequence];
      for (let token = 0; token < logprobs.length; token++) {
        if (mask[token] === 0) continue;
        const ratio = clampedExp(logprobs[token] - oldLogprobs[token]);
        const term = clippedSurrogate(ratio.value, advantages[token], clip);
        loss += weights[token] * term.value;
        coefficients[token] = weights[token] * term.slope * ratio.derivative;
        tokens++;
        if (term.clippedLow) clippedLow++;
        if (term.clippedHigh) clippedHigh++;
        if (term.dualClipped) dualClipped++;
      }
    }
    const fraction = (count: number) => (tokens === 0 ? 0 : count / tokens);
    return {
      loss,
      coefficients_S_T,
      metrics: {
        clipFractionLow: fraction(clippedLow),
        clipFractionHigh: fraction(clippedHigh),
        dualClipFraction: fraction(dualClipped),
      },
    };
  },
};
