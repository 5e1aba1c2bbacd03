import type { PromptTemplate } from "../data/prompts.js";

/** The part of a response to grade, and whether the reasoning trace was cut (never closed `</think>`). */
export interface GradableResponse {
  /** Text after the last `</think>` (or the whole response without a trace); null when the trace never closed. */
  text: string | null;
  unclosedThinking: boolean;
}

/**
 * Reasoning models write `<think>…</think>` then the answer. A trace that never closes was cut by
 * the length limit (or stopped early): it has no final answer, so it counts as truncated and
 * no-answer instead of being graded on a number that happens to appear mid-thought.
 */
export function gradableResponse(
  text: string,
  template?: Pick<PromptTemplate, "thinking">,
): GradableResponse {
  const close = text.lastIndexOf("</think>");
  if (close !== -1) return { text: text.slice(close + "</think>".length), unclosedThinking: false };
  if (template?.thinking || text.includes("<think>")) return { text: null, unclosedThinking: true };
  return { text, unclosedThinking: false };
}
