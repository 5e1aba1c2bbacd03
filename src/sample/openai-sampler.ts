import OpenAI from "openai";
import type { RenderedPrompt } from "../data/prompts.js";
import { choicesToSamples, type WireResponse } from "./choices.js";
import {
  type BackoffOptions,
  backoffDelay,
  classifyError,
  retryAfterSeconds,
  SampleError,
  sleep,
} from "./retry.js";
import { Semaphore } from "./semaphore.js";
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

/**
 * Sampler for OpenAI-compatible servers (vLLM, SGLang, the boxed engine) through the official SDK:
 * round-robin over base URLs, bounded concurrency, retries with jittered exponential backoff, a
 * per-request timeout, `n` per request with a fallback to parallel single requests when the
 * server rejects `n` or returns fewer choices.
 */
export class OpenAISampler implements Sampler {
  private readonly clients: OpenAI[];
  private readonly semaphore: Semaphore;
  private nextClient = 0;
  /** Becomes false the first time a server rejects n > 1. */
  private acceptsN = true;

  constructor(readonly options: OpenAISamplerOptions) {
    if (options.baseUrls.length === 0)
      throw new Error("OpenAISampler: baseUrls must name at least one server");
    this.clients = options.baseUrls.map(
      (baseURL) =>
        new OpenAI({
          baseURL,
          apiKey: options.apiKey ?? "EMPTY",
          maxRetries: 0,
          timeout: options.requestTimeoutMs ?? 600_000,
        }),
    );
    this.semaphore = new Semaphore(options.concurrency ?? 32);
  }

  async sample(request: SamplerRequest, onSample?: (sample: Sample) => void): Promise<Sample[]> {
    if (request.n > 1 && this.acceptsN) {
      try {
        const samples = await this.withRetries(request, request.n, request.firstIndex);
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
        const [sample] = await this.withRetries(request, 1, firstIndex + offset);
        onSample?.(sample);
        return sample;
      }),
    );
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    return results.map((result) => (result as PromiseFulfilledResult<Sample>).value);
  }

  private async withRetries(request: SamplerRequest, n: number, firstIndex: number): Promise<Sample[]> {
    const maxRetries = this.options.maxRetries ?? 6;
    for (let attempt = 0; ; attempt++) {
      const client = this.clients[this.nextClient++ % this.clients.length];
      try {
        const response = await this.semaphore.run(() => this.send(client, request.prompt, n, firstIndex));
        return choicesToSamples(response, request.problemId, firstIndex, n);
      } catch (error) {
        const verdict = classifyError(error);
        const where = `${client.baseURL} (problem ${request.problemId}, samples ${firstIndex}–${firstIndex + n - 1})`;
        if (!verdict.retry || attempt >= maxRetries) {
          const tries = attempt + 1;
          throw new SampleError(
            `${where}: ${verdict.message}${verdict.retry ? ` after ${tries} attempts` : ""}`,
            verdict.fatal,
            verdict.status,
          );
        }
        this.options.onRetry?.(`${where}: ${verdict.message}`, attempt + 1);
        await sleep(backoffDelay(attempt, this.options.backoff, retryAfterSeconds(error)));
      }
    }
  }

  private send(
    client: OpenAI,
    prompt: RenderedPrompt | TokenPrompt,
    n: number,
    firstIndex: number,
  ): Promise<WireResponse> {
    const params = this.options.params ?? {};
    const body: Record<string, unknown> = {
      model: this.options.model,
      n,
      ...(params.temperature !== undefined && { temperature: params.temperature }),
      ...(params.topP !== undefined && { top_p: params.topP }),
      ...(params.maxTokens !== undefined && { max_tokens: params.maxTokens }),
      ...(params.seed !== undefined && { seed: params.seed + firstIndex }),
      ...(params.stop !== undefined && { stop: params.stop }),
      ...params.extraBody,
    };
    if (prompt.kind === "chat") {
      if (params.logprobs) Object.assign(body, { logprobs: true, top_logprobs: params.topLogprobs ?? 0 });
      const create = client.chat.completions.create as (body: unknown) => Promise<unknown>;
      return create.call(client.chat.completions, {
        ...body,
        messages: prompt.messages,
      }) as Promise<WireResponse>;
    }
    if (params.logprobs) Object.assign(body, { logprobs: params.topLogprobs ?? 1 });
    const create = client.completions.create as (body: unknown) => Promise<unknown>;
    const text = prompt.kind === "tokens" ? prompt.tokens : prompt.prompt;
    return create.call(client.completions, { ...body, prompt: text }) as Promise<WireResponse>;
  }

  /**
   * Checks every server before a run (GET /models, 10 s): unreachable servers and rejected keys fail
   * fast with a clear message instead of retrying for minutes. Returns the model ids each serves.
   */
  async preflight(timeoutMs = 10_000): Promise<string[][]> {
    return Promise.all(
      this.clients.map(async (client) => {
        try {
          const page = await client.models.list({ timeout: timeoutMs, maxRetries: 0 });
          return page.data.map((model) => model.id);
        } catch (error) {
          const verdict = classifyError(error);
          if (verdict.status === 401 || verdict.status === 403) {
            throw new Error(
              `server ${client.baseURL} rejected the API key (${verdict.message}); pass the right one with --api-key or OPENAI_API_KEY`,
            );
          }
          if (verdict.status === undefined) {
            throw new Error(
              `cannot reach server ${client.baseURL}: ${verdict.message}; is it running, and is --base-url right (it usually ends in /v1)?`,
            );
          }
          return []; // some servers do not implement /models; sampling will tell
        }
      }),
    );
  }
}
