import { clampLogRatio, resolveBounds, zerosLike } from "./numerics.js";
import type { PolicyLossDefinition } from "./types.js";

/**
 * CISPO: clipped, stop-gradient importance weight — MiniMax 2025, "MiniMax-M1", arXiv:2506.13585, §3.1:
 *   ŵ_t = clip(exp(clamp(sg(logp_t) − logp_old_t, ±20)), 1−ε_low, 1+ε_high),
 *   ℓ_t = −sg(ŵ_t)·A_t·logp_t,   ∂ℓ_t/∂logp_t = −ŵ_t·A_t.
 * Every token keeps a gradient (none is dropped by clipping, unlike PPO). The returned loss is this
 * surrogate; the coefficients are its gradient with ŵ held fixed (a gradient check must hold
 * `detachedLogprobs_S_T` fixed). The paper sets no lower bound (default ε_low = 1) and tunes ε_high
 * (default 0.28 here, DAPO's value; override with clipHigh).
 */
export const cispoLoss: PolicyLossDefinition = {
  stopGradient: "the importance weight ŵ_t",
  defaults: { clipLow: 1, clipHigh: 0.28 },
  compute(input, clip) {
    const bounds = resolveBounds(clip);
    const coefficients_S_T = zerosLike(input.logprobs_S_T);
    let loss = 0;
    let tokens = 0;
    let clippedLow = 0;
    let clippedHigh = 0;
    let ratioSum = 0;
    for (let sequence = 0; sequence < input.logprobs_S_T.length; sequence++) {
      const mask = input.mask_S_T[sequence];
      const detached = input.detachedLogprobs_S_T[sequence];
      const oldLogprobs = input.oldLogprobs_S_T[sequence];
      const weight = input.sequenceWeights_S[sequence];
      for (let token = 0; token < mask.length; token++) {
        if (mask[token] === 0) continue;
        const advantage = input.advantages_S_T[sequence][token];
        const lower = advantage < 0 ? bounds.lowerNegative : bounds.lowerPositive;
        const upper = advantage < 0 ? bounds.upperNegative : bounds.upperPositive;
        const ratio = Math.exp(clampLogRatio(detached[token] - oldLogprobs[token]));
        const importance = Math.min(Math.max(ratio, lower), upper);
        loss += weight * -importance * advantage * input.logprobs_S_T[sequence][token];
        coefficients_S_T[sequence][token] = weight * -importance * advantage;
        tokens++;
        ratioSum += ratio;
        if (ratio < lower) clippedLow++;
        if (ratio > upper) clippedHigh++;
      }
    }
    const fraction = (count: number) => (tokens === 0 ? 0 : count / tokens);
    return {
      loss,
      coefficients_S_T,
      metrics: {
        clipFractionLow: fraction(clippedLow),
        clipFractionHigh: fraction(clippedHigh),
        ratioMean: tokens === 0 ? 1 : ratioSum / tokens,
      },
    };
  },
};
