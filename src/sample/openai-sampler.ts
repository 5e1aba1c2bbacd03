import type { RenderedPrompt } from "../data/prompts.js";
import { choicesToSamples } from "./choices.js";
import { type GenerationRequest, OpenAIClient } from "./client.js";
import { type BackoffOptions, SampleError } from "./retry.js";
import type { Sample } from "./types.js";

/** Sampling parameters sent with every request (OpenAI names in camelCase). */
export interface SamplerParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Base seed; a request for samples starting at index i sends seed + i. */
  seed?: number;
  stop?: string[];
  logprobs?: boolean;
  topLogprobs?: number;
  /** Ask for each choice's token ids (vLLM ≥ 0.10.2 and the boxed engine): exact per-sample token counts. */
  returnTokenIds?: boolean;
  /** Server-specific fields passed through unchanged (vLLM's top_k, min_p, …). */
  extraBody?: Record<string, unknown>;
}

export interface OpenAISamplerOptions {
  /** One or more OpenAI-compatible base URLs (…/v1); requests go round-robin (data-parallel replicas). */
  baseUrls: string[];
  model: string;
  apiKey?: string;
  params?: SamplerParams;
  /** Largest number of HTTP requests in flight. Default 32. */
  concurrency?: number;
  /** Retries after the first attempt on 429/5xx/timeouts/disconnects. Default 6. */
  maxRetries?: number;
  /** Per-request timeout in ms. Default 600,000 (long reasoning traces). */
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Called for every retry, for progress lines and error counts. */
  onRetry?: (message: string, attempt: number) => void;
}

/**
 * A prompt already tokenized by the caller, sent as `prompt: [ids]` on /v1/completions (vLLM, SGLang
 * and the engine accept token ids there); the trainer's rollouts use it so tokens are never re-encoded.
 */
export interface TokenPrompt {
  kind: "tokens";
  tokens: number[];
}

/** What one call asks for: `n` samples of one prompt, to be numbered from `firstIndex`. */
export interface SamplerRequest {
  problemId: string;
  prompt: RenderedPrompt | TokenPrompt;
  n: number;
  firstIndex: number;
}

export interface Sampler {
  /** Samples, calling `onSample` for each as it arrives (persist there); rejects with SampleError if any failed. */
  sample(request: SamplerRequest, onSample?: (sample: Sample) => void): Promise<Sample[]>;
}

/** The shared client a sampler's options describe (servers, key, concurrency, retries, timeout, backoff). */
export function samplerClient(options: OpenAISamplerOptions): OpenAIClient {
  return new OpenAIClient({
    baseUrls: options.baseUrls,
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    concurrency: options.concurrency ?? 32,
    maxRetries: options.maxRetries ?? 6,
    timeoutMs: options.requestTimeoutMs ?? 600_000,
    ...(options.backoff && { backoff: options.backoff }),
    ...(options.onRetry && { onRetry: options.onRetry }),
  });
}

/**
 * Sampler for OpenAI-compatible servers over the shared OpenAIClient (round-robin, concurrency,
 * retries, timeouts): `n` per request with a fallback to parallel single requests when the server
 * rejects `n` or returns fewer choices.
 */
export class OpenAISampler implements Sampler {
  readonly client: OpenAIClient;
  /** Becomes false the first time a server rejects n > 1. */
  private acceptsN = true;

  constructor(readonly options: OpenAISamplerOptions) {
    if (options.baseUrls.length === 0)
      throw new Error("OpenAISampler: baseUrls must name at least one server");
    this.client = samplerClient(options);
  }

  async sample(request: SamplerRequest, onSample?: (sample: Sample) => void): Promise<Sample[]> {
    if (request.n > 1 && this.acceptsN) {
      try {
        const samples = await this.request(request, request.n, request.firstIndex);
        for (const sample of samples) onSample?.(sample);
        if (samples.length === request.n) return samples;
        // Fewer choices than asked for: fetch the rest one by one.
        return [
          ...samples,
          ...(await this.singles(
            request,
            request.firstIndex + samples.length,
            request.n - samples.length,
            onSample,
          )),
        ];
      } catch (error) {
        if (!(error instanceof SampleError) || (error.status !== 400 && error.status !== 422)) throw error;
        this.acceptsN = false;
      }
    }
    return this.singles(request, request.firstIndex, request.n, onSample);
  }

  private async singles(
    request: SamplerRequest,
    firstIndex: number,
    count: number,
    onSample?: (sample: Sample) => void,
  ) {
    const results = await Promise.allSettled(
      Array.from({ length: count }, async (_, offset) => {
        const [sample] = await this.request(request, 1, firstIndex + offset);
        onSample?.(sample as Sample);
        return sample as Sample;
      }),
    );
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    return results.map((result) => (result as PromiseFulfilledResult<Sample>).value);
  }

  private async request(request: SamplerRequest, n: number, firstIndex: number): Promise<Sample[]> {
    const params = this.options.params ?? {};
    const generation: GenerationRequest = {
      model: this.options.model,
      n,
      ...(params.temperature !== undefined && { temperature: params.temperature }),
      ...(params.topP !== undefined && { topP: params.topP }),
      ...(params.maxTokens !== undefined && { maxTokens: params.maxTokens }),
      ...(params.seed !== undefined && { seed: params.seed + firstIndex }),
      ...(params.stop !== undefined && { stop: params.stop }),
      ...(params.logprobs && { topLogprobs: params.topLogprobs ?? (request.prompt.kind === "chat" ? 0 : 1) }),
      ...(params.returnTokenIds && { returnTokenIds: true }),
      ...(params.extraBody && { extraBody: params.extraBody }),
    };
    const call = { label: `problem ${request.problemId}, samples ${firstIndex}–${firstIndex + n - 1}` };
    const prompt = request.prompt;
    const completion =
      prompt.kind === "chat"
        ? await this.client.chat(prompt.messages, generation, call)
        : await this.client.complete(
            prompt.kind === "tokens" ? prompt.tokens : prompt.prompt,
            generation,
            call,
          );
    return choicesToSamples(completion, request.problemId, firstIndex, n);
  }

  /**
   * Checks every server before a run (GET /models, 10 s): unreachable servers, rejected keys and
   * wrong URLs (404: usually a missing `/v1`) fail fast with a clear message instead of a run of errors.
   * Returns the model ids each serves.
   */
  async preflight(timeoutMs = 10_000): Promise<string[][]> {
    try {
      return await this.client.models(timeoutMs);
    } catch (error) {
      if (!(error instanceof SampleError)) throw error;
      if (error.status === 401 || error.status === 403)
        throw new Error(
          `${error.message}: the server rejected the API key; pass the right one with --api-key or OPENAI_API_KEY`,
        );
      if (error.status === undefined)
        throw new Error(
          `cannot reach ${error.message}; is it running, and is --base-url right (it usually ends in /v1)?`,
        );
      throw new Error(error.message);
    }
  }
}
