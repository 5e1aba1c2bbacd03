/**
 * Thinking-budget control.
 *  - Budget forcing and "Wait" extension — s1, Muennighoff et al. 2025, arXiv:2501.19393 §3.1:
 *    think up to `maxThinkingTokens`; if the cap is hit, close the thinking and append an answer cue
 *    so the model answers now; if the model ends its thinking before `minThinkingTokens`, suppress
 *    the end and append "Wait" (at most `maxWaits` times) so it keeps reasoning.
 *  - Reflection suppression — NoWait (Wang et al. 2025, "Wait, We Don't Need to 'Wait'!",
 *    arXiv:2506.08343): forbid reflection cue tokens ("Wait", "Hmm", "Alternatively") with
 *    logit_bias −100 where the server supports it.
 */
import type { Usage } from "../../sample/types.js";
import type { TextCompleter } from "./text-completer.js";

export interface BudgetForcingOptions {
  complete: TextCompleter;
  /** The rendered prompt, ending where the model starts thinking (e.g. after `<think>\n`). */
  prompt: string;
  maxThinkingTokens: number;
  /** Thinking shorter than this is extended with `waitCue`. Default 0 (never extend). */
  minThinkingTokens?: number;
  maxWaits?: number;
  /** The delimiter that ends thinking. Default `</think>`. */
  endThinking?: string;
  waitCue?: string;
  /** Appended after a forced end of thinking. Default "\n\nFinal Answer: ". */
  answerCue?: string;
  maxAnswerTokens?: number;
  logitBias?: Record<string, number>;
  signal?: AbortSignal;
}

export interface BudgetForcingResult {
  /** Thinking and answer as the model would have written them (delimiters and cues included). */
  text: string;
  thinkingTokens: number;
  waits: number;
  forcedEnd: boolean;
  usage: Usage;
}

export async function budgetForcing(options: BudgetForcingOptions): Promise<BudgetForcingResult> {
  const { complete, maxThinkingTokens } = options;
  if (!(Number.isInteger(maxThinkingTokens) && maxThinkingTokens > 0)) {
    throw new Error(`maxThinkingTokens: must be a positive integer, got ${maxThinkingTokens}`);
  }
  const endThinking = options.endThinking ?? "</think>";
  const minimum = options.minThinkingTokens ?? 0;
  const usage = { promptTokens: 0, completionTokens: 0 };
  let thinking = "";
  let thinkingTokens = 0;
  let waits = 0;
  let forcedEnd = false;
  for (;;) {
    const step = await complete({
      prompt: options.prompt + thinking,
      maxTokens: maxThinkingTokens - thinkingTokens,
      stop: [endThinking],
      logitBias: options.logitBias,
      signal: options.signal,
    });
    usage.promptTokens += step.usage.promptTokens;
    usage.completionTokens += step.usage.completionTokens;
    thinking += step.text;
    thinkingTokens += step.usage.completionTokens;
    if (step.finishReason === "length" || thinkingTokens >= maxThinkingTokens) {
      forcedEnd = true;
      break;
    }
    if (thinkingTokens >= minimum || waits >= (options.maxWaits ?? 1)) break;
    thinking += options.waitCue ?? " Wait,";
    waits++;
  }
  const closing = `${endThinking}${forcedEnd ? (options.answerCue ?? "\n\nFinal Answer: ") : ""}`;
  const answer = await complete({
    prompt: options.prompt + thinking + closing,
    maxTokens: options.maxAnswerTokens ?? 256,
    signal: options.signal,
  });
  usage.promptTokens += answer.usage.promptTokens;
  usage.completionTokens += answer.usage.completionTokens;
  return { text: thinking + closing + answer.text, thinkingTokens, waits, forcedEnd, usage };
}

/** Default reflection cues (NoWait's list starts with these). */
export const REFLECTION_CUES = ["Wait", " Wait", "wait", "Hmm", " Hmm", "Alternatively", " Alternatively"];

/**
 * logit_bias forbidding the first token of each cue. `encode` is the model's tokenizer (without
 * special tokens); a cue whose first token is also a common word-start is still forbidden — that is
 * the method's trade-off.
 */
export function reflectionLogitBias(
  encode: (text: string) => number[],
  cues: readonly string[] = REFLECTION_CUES,
  bias = -100,
): Record<string, number> {
  const logitBias: Record<string, number> = {};
  for (const cue of cues) {
    const first = encode(cue)[0];
    if (first !== undefined) logitBias[String(first)] = bias;
  }
  return logitBias;
}
