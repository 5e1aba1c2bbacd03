import { numberOption } from "../validate.js";
import type { RewardFunction } from "./types.js";

/**
 * Length shape of the format-length reward, x = len / L_max clamped to [0, 1], peak p:
 *   f(x) = 1 − (1 − x/p)²          for x ≤ p   (rises fast, flat at the peak f(p) = 1)
 *   f(x) = 1 − 2·((x − p)/(1 − p))²  for x > p   (falls faster and faster, f(1) = −1)
 */
export function formatLengthShape(fraction: number, peak: number): number {
  const x = Math.min(Math.max(fraction, 0), 1);
  if (x <= peak) return 1 - (1 - x / peak) ** 2;
  return 1 - 2 * ((x - peak) / (1 - peak)) ** 2;
}

/** A non-empty `\boxed{…}` answer can be read from the text (boxed's stand-in for "an answer parses"). */
function hasBoxedAnswer(text: string): boolean {
  return /\\boxed\{\s*[^\s}]/.test(text);
}

/**
 * Label-free format-length surrogate reward — Xin et al. 2025, "Surrogate Signals from Format and
 * Length", arXiv:2505.19439 (as the authors' code): no ground truth. With think = 𝟙[`<think>…</think>`
 * present], answer = 𝟙[a non-empty \boxed{} answer], f the length shape above:
 *   r = 0.5·(think + answer) + f(len / L_max)   if answer,   else   r = min(0, f(len / L_max)).
 * The authors also check that the answer parses with sympy; rewards here are pure and see only text.
 * Options maxLength (L_max, required), peak (p, default 0.5).
 */
export const labelFreeReward: RewardFunction = (group_N, options) => {
  if (options.maxLength === undefined)
    throw new Error("options.maxLength is required by the label_free reward");
  const maxLength = numberOption(options, "maxLength", 1, 1);
  const peak = numberOption(options, "peak", 0.5, 1e-9, 1 - 1e-9);
  return group_N.map((sample) => {
    const shape = formatLengthShape(sample.responseLength / maxLength, peak);
    if (!hasBoxedAnswer(sample.text)) return Math.min(0, shape);
    const think = /<think>[\s\S]*?<\/think>/.test(sample.text) ? 1 : 0;
    return 0.5 * (think + 1) + shape;
  });
};
