/**
 * Raw text continuation (`/v1/completions`), which thinking-budget control and sub-thought
 * aggregation need: they append to a partial trace and let the model continue from there.
 */
import { UpstreamError } from "../../sample/stream.js";
import type { FinishReason, Usage } from "../../sample/types.js";

export interface TextCompletion {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
}

export interface TextRequest {
  prompt: string;
  maxTokens: number;
  stop?: string[];
  /** Token id → additive bias (OpenAI `logit_bias`), e.g. −100 to forbid "Wait". */
  logitBias?: Record<string, number>;
  signal?: AbortSignal;
}

/** Continues a text prompt; the caller's client (any server, or a mock in tests). */
export type TextCompleter = (request: TextRequest) => Promise<TextCompletion>;

export interface OpenAiTextOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Extra body fields (temperature, seed, …). */
  body?: Record<string, unknown>;
}

/** A TextCompleter over an OpenAI-compatible `/v1/completions`. */
export function openAiTextCompleter(options: OpenAiTextOptions): TextCompleter {
  return async (request) => {
    const body = {
      ...options.body,
      model: options.model,
      prompt: request.prompt,
      max_tokens: request.maxTokens,
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(request.logitBias ? { logit_bias: request.logitBias } : {}),
    };
    const response = await fetch(`${options.baseUrl.replace(/\/$/, "")}/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: request.signal,
    }).catch((error: unknown) => {
      throw new UpstreamError(
        `upstream unreachable: ${error instanceof Error ? error.message : String(error)}`,
        null,
      );
    });
    const text = await response.text();
    if (!response.ok)
      throw new UpstreamError(
        `upstream answered HTTP ${response.status}: ${text.slice(0, 500)}`,
        response.status,
        text,
      );
    let parsed: {
      choices?: { text?: string; finish_reason?: string }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamError(
        `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`,
        response.status,
        text,
      );
    }
    const choice = parsed.choices?.[0];
    if (!choice)
      throw new UpstreamError(`upstream answer has no choices: ${text.slice(0, 200)}`, response.status, text);
    return {
      text: choice.text ?? "",
      finishReason: choice.finish_reason === "length" ? "length" : "stop",
      usage: {
        promptTokens: parsed.usage?.prompt_tokens ?? 0,
        completionTokens: parsed.usage?.completion_tokens ?? 0,
      },
    };
  };
}
