/**
 * Accumulating a streamed chat completion (server-sent `chat.completion.chunk`s, OpenAI's
 * `stream: true` with `stream_options.include_usage`) into one result, token by token. Per-token
 * `top_logprobs` go to `onToken`, which may return false to stop (DeepConf online).
 */
import type { FinishReason, Usage } from "./types.js";
import type { Completion, WireChoice, WireResponse } from "./wire.js";
import { finishReason } from "./wire.js";

/** Called per streamed token (or chunk); return false to abort this stream. */
export type TokenHook = (text: string, topLogprobs: number[] | undefined) => boolean | undefined;

export interface StreamedCompletion {
  text: string;
  finishReason: FinishReason;
  /** `usage.estimated` is true while the server has sent no usage (tokens counted from chunks). */
  usage: Usage;
  /** Log-prob of each sampled token (when requested). */
  logprobs: number[];
  /** Top-k log-probs at each step (when requested). */
  topLogprobs: number[][];
  /** Token ids, when the server streams them (vLLM `return_token_ids`). */
  tokenIds?: number[];
}

export function emptyStreamed(): StreamedCompletion {
  return {
    text: "",
    finishReason: "stop",
    usage: { promptTokens: 0, completionTokens: 0, estimated: true },
    logprobs: [],
    topLogprobs: [],
  };
}

/** Folds chunks into `result`; resolves true when `onToken` asked to stop. */
export async function accumulateStream(
  chunks: AsyncIterable<WireResponse>,
  result: StreamedCompletion,
  onToken?: TokenHook,
): Promise<boolean> {
  let pieces = 0;
  for await (const chunk of chunks) {
    if (typeof chunk.usage?.completion_tokens === "number") {
      result.usage = {
        promptTokens: chunk.usage.prompt_tokens ?? 0,
        completionTokens: chunk.usage.completion_tokens,
      };
    }
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    if (choice.finish_reason) result.finishReason = finishReason(choice.finish_reason);
    if (Array.isArray(choice.token_ids)) {
      result.tokenIds ??= [];
      result.tokenIds.push(...choice.token_ids);
    }
    const delta = choice.delta?.content ?? "";
    result.text += delta;
    if (delta !== "" || (choice.logprobs?.content?.length ?? 0) > 0) pieces++;
    const stop = !acceptSteps(choice, delta, result, onToken);
    if (result.usage.estimated)
      result.usage.completionTokens = result.tokenIds?.length ?? Math.max(result.logprobs.length, pieces);
    if (stop) return true;
  }
  return false;
}

/** Records the chunk's token log-probs and asks `onToken`; false means stop. */
function acceptSteps(
  choice: WireChoice,
  delta: string,
  result: StreamedCompletion,
  onToken?: TokenHook,
): boolean {
  const steps = choice.logprobs?.content ?? [];
  if (steps.length === 0) return delta === "" || onToken?.(delta, undefined) !== false;
  for (const step of steps) {
    const top = (step.top_logprobs ?? []).map((alternative) => alternative.logprob);
    result.logprobs.push(step.logprob);
    if (top.length > 0) result.topLogprobs.push(top);
    if (onToken?.(delta, top.length > 0 ? top : undefined) === false) return false;
  }
  return true;
}

/** A whole completion's first choice in the streamed shape (for servers that cannot stream). */
export function completionToStreamed(completion: Completion): StreamedCompletion {
  const choice = completion.choices[0];
  if (!choice) return emptyStreamed();
  return {
    text: choice.text,
    finishReason: choice.finishReason,
    usage: {
      promptTokens: completion.usage.promptTokens,
      completionTokens: choice.completionTokens ?? completion.usage.completionTokens,
      ...(!completion.usageReported && choice.completionTokens === undefined && { estimated: true }),
    },
    logprobs: choice.logprobs ?? [],
    topLogprobs: (choice.topLogprobs ?? [])
      .map((step) => Object.values(step))
      .filter((top) => top.length > 0),
    ...(choice.tokenIds && { tokenIds: choice.tokenIds }),
  };
}
