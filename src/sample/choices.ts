import { SampleError } from "./retry.js";
import type { FinishReason, Sample } from "./types.js";

/** The parts of a chat or text completion response that boxed reads. */
export interface WireResponse {
  choices?: {
    index?: number;
    message?: { content?: string | null; reasoning_content?: string | null };
    text?: string;
    finish_reason?: string | null;
    logprobs?: {
      content?:
        | { token: string; logprob: number; top_logprobs?: { token: string; logprob: number }[] }[]
        | null;
      token_logprobs?: (number | null)[];
      /** Legacy completions shape: the sampled tokens (`token_id:<id>` with vLLM's `return_tokens_as_token_ids`). */
      tokens?: string[];
    } | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

function finishReason(reason: string | null | undefined): FinishReason {
  return reason === "length" ? "length" : "stop";
}

const TOKEN_ID = /^token_id:(\d+)$/;

/**
 * Token ids of a choice when every logged token is `token_id:<id>` (vLLM's `return_tokens_as_token_ids`,
 * vllm/entrypoints/openai/serving_completion.py, which the engine follows); undefined otherwise.
 */
function tokenIds(choice: NonNullable<WireResponse["choices"]>[number]): number[] | undefined {
  const tokens = choice.logprobs?.tokens;
  if (!Array.isArray(tokens)) return undefined;
  const ids = tokens.map((token) => TOKEN_ID.exec(token)?.[1]);
  return ids.every((id) => id !== undefined) ? ids.map(Number) : undefined;
}

function choiceText(choice: NonNullable<WireResponse["choices"]>[number]): string | null {
  if (choice.message) {
    const content = choice.message.content ?? "";
    // Servers that split reasoning out (vLLM --reasoning-parser) return it separately; keep the full trace.
    const reasoning = choice.message.reasoning_content;
    return reasoning ? `<think>\n${reasoning}\n</think>\n${content}` : content;
  }
  return typeof choice.text === "string" ? choice.text : null;
}

/**
 * Turns a response's choices into Samples numbered from `firstIndex`. A response's usage covers
 * all its choices; with n > 1 the completion tokens are shared out in proportion to each choice's
 * text length (exact when n = 1). A response without readable choices is a SampleError (retried).
 */
export function choicesToSamples(
  response: WireResponse,
  problemId: string,
  firstIndex: number,
  n: number,
): Sample[] {
  if (!response || !Array.isArray(response.choices) || response.choices.length === 0) {
    throw new SampleError("malformed response from the server: no choices", false);
  }
  const choices = [...response.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).slice(0, n);
  const texts = choices.map(choiceText);
  if (texts.some((text) => text === null))
    throw new SampleError("malformed response from the server: a choice has no text", false);
  const totalCompletion = response.usage?.completion_tokens ?? 0;
  const promptTokens = response.usage?.prompt_tokens ?? 0;
  const totalCharacters = texts.reduce((sum, text) => sum + (text as string).length, 0);
  return choices.map((choice, offset) => {
    const text = texts[offset] as string;
    const share =
      choices.length === 1 ? 1 : totalCharacters === 0 ? 1 / choices.length : text.length / totalCharacters;
    const logprobs =
      choice.logprobs?.content?.map((entry) => entry.logprob) ??
      choice.logprobs?.token_logprobs?.map((value) => value ?? 0);
    const tokens = tokenIds(choice);
    const topLogprobs = choice.logprobs?.content?.map((entry) =>
      Object.fromEntries((entry.top_logprobs ?? []).map((top) => [top.token, top.logprob])),
    );
    return {
      problemId,
      index: firstIndex + offset,
      text,
      finishReason: finishReason(choice.finish_reason),
      usage: { promptTokens, completionTokens: Math.round(totalCompletion * share) },
      ...(logprobs ? { logprobs } : {}),
      ...(tokens ? { tokens } : {}),
      ...(topLogprobs?.some((entry) => Object.keys(entry).length > 0) ? { topLogprobs } : {}),
    };
  });
}
