import {
  CLIP_DUAL,
  CLIP_HIGH,
  CLIP_LOW,
  clippedSurrogate,
  createSurrogateTerm,
} from "./clipped-surrogate.js";
import { clampLogRatio, resolveBounds, zerosLike } from "./numerics.js";
import type { PolicyLossDefinition } from "./types.js";

/**
 * PPO clipped policy loss per token — Schulman et al. 2017, arXiv:1707.06347, with DAPO clip-higher
 * (arXiv:2503.14476), dual clip (arXiv:1912.09729) and NGRPO per-sign clipping (arXiv:2509.18851):
 *   r_t = exp(clamp(logp_t − logp_old_t, ±20)),  ℓ_t = max(−A_t·r_t, −A_t·clip(r_t, 1−ε_low, 1+ε_high))
 *   L = Σ_t w_t·ℓ_t,   ∂L/∂logp_t = w_t·(∂ℓ_t/∂r_t)·r_t   (0 where a clip or the ±20 clamp is active).
 */
export const ppoLoss: PolicyLossDefinition = {
  defaults: { clipLow: 0.2 },
  compute(input, clip) {
    const bounds = resolveBounds(clip);
    const term = createSurrogateTerm();
    const coefficients_S_T = zerosLike(input.logprobs_S_T);
    const counts = [0, 0, 0, 0];
    let loss = 0;
    let tokens = 0;
    let ratioSum = 0;
    for (let sequence = 0; sequence < input.logprobs_S_T.length; sequence++) {
      const logprobs = input.logprobs_S_T[sequence];
      const oldLogprobs = input.oldLogprobs_S_T[sequence];
      const advantages = input.advantages_S_T[sequence];
      const mask = input.mask_S_T[sequence];
      const coefficients = coefficients_S_T[sequence];
      const weight = input.sequenceWeights_S[sequence];
      for (let token = 0; token < logprobs.length; token++) {
        if (mask[token] === 0) continue;
        const logRatio = logprobs[token] - oldLogprobs[token];
        const clamped = clampLogRatio(logRatio);
        const ratio = Math.exp(clamped);
        clippedSurrogate(ratio, advantages[token], bounds, clip.dualClip, term);
        loss += weight * term.value;
        coefficients[token] = clamped === logRatio ? weight * term.slope * ratio : 0;
        counts[term.clip]++;
        ratioSum += ratio;
        tokens++;
      }
    }
    const fraction = (count: number) => (tokens === 0 ? 0 : count / tokens);
    return {
      loss,
      coefficients_S_T,
      metrics: {
        clipFractionLow: fraction(counts[CLIP_LOW]),
        clipFractionHigh: fraction(counts[CLIP_HIGH]),
        dualClipFraction: fraction(counts[CLIP_DUAL]),
        ratioMean: tokens === 0 ? 1 : ratioSum / tokens,
      },
    };
  },
};
