import { CLIP_HIGH, CLIP_LOW, clippedSurrogate, createSurrogateTerm } from "./clipped-surrogate.js";
import { clampLogRatio, resolveBounds, tokensPerSequence, zerosLike } from "./numerics.js";
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
    const bounds = resolveBounds(clip);
    const term = createSurrogateTerm();
    const coefficients_S_T = zerosLike(input.logprobs_S_T);
    const lengths = tokensPerSequence(input.mask_S_T);
    const counts = [0, 0, 0, 0];
    let loss = 0;
    let tokens = 0;
    for (let sequence = 0; sequence < input.logprobs_S_T.length; sequence++) {
      const mask = input.mask_S_T[sequence];
      const logprobs = input.logprobs_S_T[sequence];
      const oldLogprobs = input.oldLogprobs_S_T[sequence];
      const length = lengths[sequence];
      if (length === 0) continue;
      let logRatioSum = 0;
      for (let token = 0; token < mask.length; token++) {
        if (mask[token] === 1) logRatioSum += logprobs[token] - oldLogprobs[token];
      }
      const meanLogRatio = logRatioSum / length;
      const clamped = clampLogRatio(meanLogRatio);
      const ratio = Math.exp(clamped);
      const weight = input.sequenceWeights_S[sequence];
      let slopeSum = 0;
      for (let token = 0; token < mask.length; token++) {
        if (mask[token] === 0) continue;
        clippedSurrogate(ratio, input.advantages_S_T[sequence][token], bounds, clip.dualClip, term);
        loss += weight * term.value;
        slopeSum += weight * term.slope;
        counts[term.clip]++;
        tokens++;
      }
      const coefficient = clamped === meanLogRatio ? (slopeSum * ratio) / length : 0;
      const coefficients = coefficients_S_T[sequence];
      for (let token = 0; token < mask.length; token++) {
        if (mask[token] === 1) coefficients[token] = coefficient;
      }
    }
    const fraction = (count: number) => (tokens === 0 ? 0 : count / tokens);
    return {
      loss,
      coefficients_S_T,
      metrics: { clipFractionLow: fraction(counts[CLIP_LOW]), clipFractionHigh: fraction(counts[CLIP_HIGH]) },
    };
  },
};
