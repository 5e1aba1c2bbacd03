/**
 * Reading OpenAI-compatible responses (chat and text completions, whole or streamed) into boxed's
 * shapes. Token counts per choice are exact when the server says them: vLLM's `token_ids` per choice
 * (request extra `return_token_ids`, vllm/entrypoints/openai/protocol.py) or one log-prob per token;
 * otherwise a choice's count is unknown and only the response's `usage` total is exact.
 */
import { SampleError } from "./retry.js";
import type { FinishReason, Usage } from "./types.js";

interface WireLogprob {
  token: string;
  logprob: number;
  top_logprobs?: { token: string; logprob: number }[];
}

/** An OpenAI `tool_calls` entry of an assistant message. */
export interface WireToolCall {
  id: string;
  type?: string;
  function: { name: string; arguments: string };
}

/** The parts of a choice that boxed reads (chat `message`/`delta` or text `text`). */
export interface WireChoice {
  index?: number;
  message?: {
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: WireToolCall[] | null;
  };
  delta?: { content?: string | null };
  text?: string;
  finish_reason?: string | null;
  token_ids?: number[] | null;
  logprobs?: {
    content?: WireLogprob[] | null;
    token_logprobs?: (number | null)[];
    /** Legacy completions shape: the sampled tokens (`token_id:<id>` with vLLM's `return_tokens_as_token_ids`). */
    tokens?: string[];
    top_logprobs?: (Record<string, number> | null)[] | null;
  } | null;
}

export interface WireResponse {
  choices?: WireChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/** One generated continuation. */
export interface Choice {
  index: number;
  text: string;
  finishReason: FinishReason;
  /** This choice's completion tokens when the server told them (token ids or log-probs); else undefined. */
  completionTokens?: number;
  tokenIds?: number[];
  /** Log-prob of each sampled token (when requested). */
  logprobs?: number[];
  /** Top alternatives at each step: token text → log-prob (when requested). */
  topLogprobs?: Record<string, number>[];
  /** The assistant message's `tool_calls` (chat servers that parse tool calls). */
  toolCalls?: WireToolCall[];
}

/** A whole (non-streamed) response: its choices in index order and the usage it reported. */
export interface Completion {
  choices: Choice[];
  usage: Usage;
  /** False when the server sent no `usage` (then usage is zero, not measured). */
  usageReported: boolean;
}

export function finishReason(reason: string | null | undefined): FinishReason {
  return reason === "length" ? "length" : "stop";
}

function choiceText(choice: WireChoice): string | null {
  if (choice.message) {
    const content = choice.message.content ?? "";
    // Servers that split reasoning out (vLLM --reasoning-parser) return it separately; keep the full trace.
    const reasoning = choice.message.reasoning_content;
    return reasoning ? `<think>\n${reasoning}\n</think>\n${content}` : content;
  }
  return typeof choice.text === "string" ? choice.text : null;
}

/** Sampled-token log-probs and top alternatives of a choice, chat (`content`) or legacy completions shape. */
export function choiceLogprobs(choice: WireChoice): Pick<Choice, "logprobs" | "topLogprobs"> {
  const content = choice.logprobs?.content;
  if (content) {
    const topLogprobs = content.map((entry) =>
      Object.fromEntries((entry.top_logprobs ?? []).map((top) => [top.token, top.logprob])),
    );
    return {
      logprobs: content.map((entry) => entry.logprob),
      ...(topLogprobs.some((entry) => Object.keys(entry).length > 0) ? { topLogprobs } : {}),
    };
  }
  const legacy = choice.logprobs?.token_logprobs;
  if (!legacy) return {};
  const tops = choice.logprobs?.top_logprobs;
  return {
    logprobs: legacy.map((value) => value ?? 0),
    ...(tops?.some((entry) => entry && Object.keys(entry).length > 0)
      ? { topLogprobs: tops.map((entry) => entry ?? {}) }
      : {}),
  };
}

const TOKEN_ID = /^token_id:(\d+)$/;

/**
 * A choice's token ids: vLLM's `token_ids` (request `return_token_ids`), else the legacy log-prob
 * tokens when every one is `token_id:<id>` (vLLM's `return_tokens_as_token_ids`,
 * vllm/entrypoints/openai/serving_completion.py, which the engine follows); undefined otherwise.
 */
function choiceTokenIds(choice: WireChoice): number[] | undefined {
  if (Array.isArray(choice.token_ids)) return choice.token_ids;
  const tokens = choice.logprobs?.tokens;
  if (!Array.isArray(tokens)) return undefined;
  const ids = tokens.map((token) => TOKEN_ID.exec(token)?.[1]);
  return ids.every((id) => id !== undefined) ? ids.map(Number) : undefined;
}

function readChoice(choice: WireChoice, position: number): Choice {
  const text = choiceText(choice);
  if (text === null) throw new SampleError("malformed response from the server: a choice has no text", false);
  const logprobs = choiceLogprobs(choice);
  const tokenIds = choiceTokenIds(choice);
  const completionTokens = tokenIds?.length ?? logprobs.logprobs?.length;
  return {
    index: choice.index ?? position,
    text,
    finishReason: finishReason(choice.finish_reason),
    ...(completionTokens !== undefined && { completionTokens }),
    ...(tokenIds && { tokenIds }),
    ...logprobs,
    ...(choice.message?.tool_calls?.length && { toolCalls: choice.message.tool_calls }),
  };
}

/** A whole response's choices (sorted by index); a response without readable choices is a SampleError. */
export function readCompletion(response: WireResponse): Completion {
  if (!response || !Array.isArray(response.choices) || response.choices.length === 0)
    throw new SampleError("malformed response from the server: no choices", false);
  const choices = response.choices.map(readChoice).sort((a, b) => a.index - b.index);
  return {
    choices,
    usage: {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
    },
    usageReported: typeof response.usage?.completion_tokens === "number",
  };
}
