import { numberOption } from "../validate.js";
import { isWellFormatted } from "./correctness.js";
import type { RewardFunction } from "./types.js";

/**
 * Label-free surrogate reward from format and length — after Xin et al. 2025, "Surrogate Signals from
 * Format and Length", arXiv:2505.19439: no ground truth; a well-formatted response earns 1 plus a length
 * term that discourages both very short and very long responses. With x = len / L_max and peak p:
 *   s(x) = x/p for x ≤ p,  (1 − x)/(1 − p) for p < x ≤ 1,  −1 beyond L_max (truncated);
 *   r = 𝟙[format] · (1 + λ·s(x)),   badly formatted → 0.
 * (boxed's reading of the paper's format-length reward; the piecewise-linear shape is ours.)
 * Options maxLength (L_max, required), peak (p, default 0.5), lengthWeight (λ, default 0.5),
 * requireBoxed (default true: the answer must sit in \boxed{}).
 */
export const labelFreeReward: RewardFunction = (group_N, options) => {
  if (options.maxLength === undefined)
    throw new Error("options.maxLength is required by the label_free reward");
  const maxLength = numberOption(options, "maxLength", 1, 1);
  const peak = numberOption(options, "peak", 0.5, 1e-9, 1 - 1e-9);
  const lengthWeight = numberOption(options, "lengthWeight", 0.5, 0);
  const requireBoxed = options.requireBoxed !== false;
  return group_N.map((sample) => {
    if (!isWellFormatted(sample.text, "think", requireBoxed)) return 0;
    const fraction = sample.responseLength / maxLength;
    const shape = fraction <= peak ? fraction / peak : fraction <= 1 ? (1 - fraction) / (1 - peak) : -1;
    return 1 + lengthWeight * shape;
  });
};
