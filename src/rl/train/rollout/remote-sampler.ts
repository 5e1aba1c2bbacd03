import type { EngineClient } from "../../../engine/client.js";
import type { SampleRequest, SampleResponse } from "../../../engine/schemas.js";
import { OpenAISampler } from "../../../sample/openai-sampler.js";
import type { Sample } from "../../../sample/types.js";

/** What the loop's sampling needs: the engine's `/sample` (the trainer's engine or a remote stand-in). */
export type RolloutSampler = Pick<EngineClient, "sample">;

export interface RemoteSamplerOptions {
  baseUrls: string[];
  /** Served model name: the base model, or the adapter loaded by the last LoRA sync. */
  model: string;
  apiKey?: string;
  requestTimeoutMs: number;
  onRetry?: (message: string, attempt: number) => void;
}

/**
 * `/sample` over OpenAI-compatible servers through src/sample's client (round-robin over replicas,
 * retries): each prompt goes out as token ids on /v1/completions with `n` = samples per prompt, asking
 * for the sampled tokens' log-probs (`logprobs: 1`) and the tokens as ids (`return_tokens_as_token_ids`,
 * vLLM's extra, vllm/entrypoints/openai/protocol.py CompletionRequest). Responses are never
 * re-tokenized: a choice without token ids is an error.
 */
export function remoteSampler(options: RemoteSamplerOptions): RolloutSampler {
  return {
    async sample(request: SampleRequest): Promise<SampleResponse> {
      const params = request.sampling_params;
      const sampler = new OpenAISampler({
        baseUrls: options.baseUrls,
        model: options.model,
        apiKey: options.apiKey,
        requestTimeoutMs: options.requestTimeoutMs,
        onRetry: options.onRetry,
        params: {
          temperature: params.temperature,
          topP: params.top_p,
          maxTokens: params.max_tokens,
          seed: params.seed ?? undefined,
          logprobs: true,
          topLogprobs: 1,
          extraBody: {
            return_tokens_as_token_ids: true,
            ...(params.top_k !== undefined && params.top_k > 0 && { top_k: params.top_k }),
          },
        },
      });
      const groups = await Promise.all(
        request.prompts.map((tokens, index) =>
          sampler.sample({
            problemId: String(index),
            prompt: { kind: "tokens", tokens },
            n: request.num_samples,
            firstIndex: index * request.num_samples, // seed + firstIndex: prompts get different seeds
          }),
        ),
      );
      return { samples: groups.map((group) => group.map(toEngineSample)) };
    },
  };
}

function toEngineSample(sample: Sample): SampleResponse["samples"][number][number] {
  const { tokens, logprobs } = sample;
  if (tokens === undefined || logprobs === undefined || tokens.length !== logprobs.length) {
    throw new Error(
      "rollout server returned no token ids with log-probs (it must support logprobs and return_tokens_as_token_ids, as vLLM does)",
    );
  }
  return { tokens, logprobs, stop_reason: sample.finishReason === "length" ? "length" : "stop" };
}
