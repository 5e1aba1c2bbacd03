import { numberOption } from "../validate.js";
import type { RewardFunction } from "./types.js";

/**
 * N-gram repetition penalty — Yeo et al. 2025, "Demystifying Long Chain-of-Thought Reasoning in LLMs",
 * arXiv:2502.03373 §4: penalise text that repeats itself. Over the whitespace-separated words,
 *   r = −penalty · (#n-grams that already occurred earlier) / (#n-grams)  =  −penalty · (1 − #distinct/#n-grams),
 * 0 when the text has fewer than n words. Counted over whitespace-separated words (the paper counts
 * tokens; rewards see text). Options n (default 3), penalty (default 1).
 */
export const repetitionPenalty: RewardFunction = (group_N, options) => {
  const size = numberOption(options, "n", 3, 1);
  const penalty = numberOption(options, "penalty", 1, 0);
  return group_N.map((sample) => -penalty * repeatedNgramFraction(sample.text, size));
};

/** Fraction of the word n-grams of `text` that repeat an earlier one. */
export function repeatedNgramFraction(text: string, size: number): number {
  const words = text.split(/\s+/).filter((word) => word !== "");
  const total = words.length - size + 1;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  let repeated = 0;
  for (let start = 0; start < total; start++) {
    const gram = words.slice(start, start + size).join("\u0000");
    if (seen.has(gram)) repeated++;
    else seen.add(gram);
  }
  return repeated / total;
}
