import { numberOption } from "../validate.js";
import type { RewardFunction } from "./types.js";

/**
 * Correctness (rule-based outcome reward) — DeepSeek-R1, arXiv:2501.12948 §2.2.2; the verdict comes
 * from the verifier:  r = correctReward (default 1) if correct, else wrongReward (default 0).
 */
export const correctnessReward: RewardFunction = (group_N, options) => {
  const correctReward = numberOption(options, "correctReward", 1);
  const wrongReward = numberOption(options, "wrongReward", 0);
  return group_N.map((sample) => (sample.correct ? correctReward : wrongReward));
};

/**
 * R1-style format reward — DeepSeek-R1, arXiv:2501.12948 §2.2.2: the reasoning sits between `<think>`
 * and `</think>` (exactly one pair, the open tag first) and a non-empty answer follows the closing tag:
 *   r = 1 if well-formed else 0.  Options: requireBoxed (also ask for `\boxed{` in the answer part),
 *   thinkTag (tag name, default "think").
 */
export const formatReward: RewardFunction = (group_N, options) => {
  const tag = typeof options.thinkTag === "string" ? options.thinkTag : "think";
  const requireBoxed = options.requireBoxed === true;
  return group_N.map((sample) => (isWellFormatted(sample.text, tag, requireBoxed) ? 1 : 0));
};

/** True when the text has exactly one `<tag>…</tag>` pair followed by a non-empty answer. */
export function isWellFormatted(text: string, tag = "think", requireBoxed = false): boolean {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  if (text.split(open).length !== 2 || text.split(close).length !== 2) return false;
  const openAt = text.indexOf(open);
  const closeAt = text.indexOf(close);
  if (openAt > closeAt) return false;
  if (text.slice(0, openAt).trim() !== "") return false;
  const answer = text.slice(closeAt + close.length).trim();
  if (answer === "") return false;
  return !requireBoxed || answer.includes("\\boxed{");
}
