/**
 * Raw text continuation (`/v1/completions`), which thinking-budget control and sub-thought
 * aggregation need: they append to a partial trace and let the model continue from there.
 */
import type { OpenAIClient } from "../../sample/client.js";
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
  model: string;
  /** Sampling fields sent with every request (temperature, seed, …), OpenAI names. */
  body?: Record<string, unknown>;
}

/** A TextCompleter over the shared client's `/completions`. */
export function openAiTextCompleter(client: OpenAIClient, options: OpenAiTextOptions): TextCompleter {
  return async (request) => {
    const completion = await client.complete(
      request.prompt,
      {
        model: options.model,
        maxTokens: request.maxTokens,
        ...(request.stop?.length ? { stop: request.stop } : {}),
        ...(request.logitBias ? { logitBias: request.logitBias } : {}),
        ...(options.body && { extraBody: options.body }),
      },
      { ...(request.signal && { signal: request.signal }) },
    );
    const choice = completion.choices[0];
    return {
      text: choice?.text ?? "",
      finishReason: choice?.finishReason ?? "stop",
      usage: completion.usage,
    };
  };
}
