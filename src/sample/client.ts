/**
 * The one way boxed talks to an OpenAI-compatible server (vLLM, SGLang, the boxed engine, OpenAI):
 * the official `openai` SDK underneath, round-robin over base URLs (data-parallel replicas), bounded
 * concurrency, retries with jittered backoff (429/5xx/timeouts/disconnects), a per-attempt timeout on
 * the whole exchange (body and every streamed chunk included) plus one until the first byte, and the
 * caller's AbortSignal closing the HTTP connection so the server stops generating.
 *
 * ```ts
 * const client = new OpenAIClient({ baseUrls: ["http://127.0.0.1:8000/v1"], timeoutMs: 60_000 });
 * const { choices } = await client.chat([{ role: "user", content: "2+2?" }], { model: "qwen", n: 4 });
 * const streamed = await client.streamChat(messages, { model: "qwen", topLogprobs: 5 }, { onToken, signal });
 * ```
 */
import OpenAI from "openai";
import { accumulateStream, emptyStreamed, type StreamedCompletion, type TokenHook } from "./chat-stream.js";
import { generationBody } from "./request-body.js";
import {
  type BackoffOptions,
  backoffDelay,
  checkOptionKeys,
  classifyError,
  retryAfterSeconds,
  SampleError,
  sleep,
} from "./retry.js";
import { Semaphore } from "./semaphore.js";
import { type Completion, readCompletion, type WireResponse } from "./wire.js";

export interface ClientOptions {
  /** One or more base URLs ending in `/v1`; requests go round-robin. */
  baseUrls: string[];
  apiKey?: string;
  /** Largest HTTP requests in flight. Default 32. */
  concurrency?: number;
  /** Retries after the first attempt on 429/5xx/timeouts/disconnects. Default 6. */
  maxRetries?: number;
  /** Per attempt, the whole exchange (headers, body, every streamed chunk), ms. Default 600,000. */
  timeoutMs?: number;
  /** Per attempt, until the response headers arrive (connect + first byte), ms. Default `timeoutMs`. */
  firstByteTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Called for every retry, for progress lines and error counts. */
  onRetry?: (message: string, attempt: number) => void;
}

const CLIENT_KEYS = [
  "baseUrls",
  "apiKey",
  "concurrency",
  "maxRetries",
  "timeoutMs",
  "firstByteTimeoutMs",
  "backoff",
  "onRetry",
];

/** What to generate; OpenAI names in camelCase. Unknown server fields go in `extraBody`. */
export interface GenerationRequest {
  model: string;
  n?: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  /** Ask for per-token log-probs with this many alternatives (0: the sampled token's only). */
  topLogprobs?: number;
  /** Token id → additive bias (OpenAI `logit_bias`). */
  logitBias?: Record<string, number>;
  /** vLLM's `return_token_ids` (≥ 0.10.2): choices carry their token ids. */
  returnTokenIds?: boolean;
  /** Server-specific fields passed through unchanged (vLLM's top_k, min_p, …). */
  extraBody?: Record<string, unknown>;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Names the request in error messages (e.g. "problem gsm8k/3, samples 0–3"). */
  label?: string;
}

export interface StreamCallOptions extends CallOptions {
  onToken?: TokenHook;
}

/** One chat turn as sent (OpenAI message fields; tool turns carry `tool_calls` / `tool_call_id`). */
export interface ClientMessage {
  role: string;
  content: string | null;
  name?: string;
  tool_calls?: unknown[];
  tool_call_id?: string;
}

type Create = (body: unknown, options: unknown) => Promise<unknown>;
type CreateWithResponse = (
  body: unknown,
  options: unknown,
) => { withResponse(): Promise<{ data: unknown; response: Response }> };

export class OpenAIClient {
  private readonly clients: OpenAI[];
  private readonly semaphore: Semaphore;
  private next = 0;

  constructor(readonly options: ClientOptions) {
    checkOptionKeys("OpenAIClient", options as unknown as Record<string, unknown>, CLIENT_KEYS);
    if (options.baseUrls.length === 0)
      throw new Error("OpenAIClient: baseUrls must name at least one server");
    this.clients = options.baseUrls.map(
      (baseURL) => new OpenAI({ baseURL, apiKey: options.apiKey ?? "EMPTY", maxRetries: 0 }),
    );
    this.semaphore = new Semaphore(options.concurrency ?? 32);
  }

  /** Text continuation (`POST /completions`) of a text or a token-id prompt (vLLM, SGLang and the engine accept ids). */
  async complete(
    prompt: string | readonly number[],
    request: GenerationRequest,
    call: CallOptions = {},
  ): Promise<Completion> {
    const body = { ...generationBody(request, "completions"), prompt };
    return this.retrying(call, async (client, signal, timeout) => {
      const create = client.completions.create as unknown as Create;
      const answer = await create.call(client.completions, body, { signal, timeout });
      return readCompletion(answer as WireResponse);
    });
  }

  /** Chat completion (`POST /chat/completions`). */
  async chat(
    messages: readonly ClientMessage[],
    request: GenerationRequest,
    call: CallOptions = {},
  ): Promise<Completion> {
    const body = { ...generationBody(request, "chat"), messages };
    return this.retrying(call, async (client, signal, timeout) => {
      const create = client.chat.completions.create as unknown as Create;
      const answer = await create.call(client.chat.completions, body, { signal, timeout });
      return readCompletion(answer as WireResponse);
    });
  }

  /**
   * Streams one chat completion (n = 1). Stopping by `onToken` or the caller's signal closes the
   * connection and resolves with the text so far, finishReason "cancelled". Retried only while no
   * token has arrived.
   */
  async streamChat(
    messages: readonly ClientMessage[],
    request: GenerationRequest,
    call: StreamCallOptions = {},
  ): Promise<StreamedCompletion> {
    const body = {
      ...generationBody({ ...request, n: 1 }, "chat"),
      messages,
      stream: true,
      stream_options: { include_usage: true },
    };
    let result = emptyStreamed();
    return this.retrying(
      call,
      async (client, signal, timeout) => {
        result = emptyStreamed();
        const create = client.chat.completions.create as unknown as CreateWithResponse;
        const { data, response } = await create
          .call(client.chat.completions, body, { signal, timeout })
          .withResponse();
        const stream = data as AsyncIterable<WireResponse> & { controller: AbortController };
        if (!String(response.headers.get("content-type")).includes("text/event-stream")) {
          const head = (await response.text()).slice(0, 200);
          throw new SampleError(`server answered without a server-sent event stream: ${head}`, false);
        }
        const stopped = await accumulateStream(stream, result, call.onToken);
        if (stopped) {
          stream.controller.abort();
          result.finishReason = "cancelled";
        }
        if (signal.aborted) throw signal.reason; // the SDK ends an aborted stream quietly
        return result;
      },
      () => result.text === "" && result.logprobs.length === 0,
      () => ({ ...result, finishReason: "cancelled" }),
    );
  }

  /** GET /models on every server (ids per server); the errors name the server and what to fix. */
  async models(timeoutMs = 10_000): Promise<string[][]> {
    return Promise.all(
      this.clients.map(async (client) => {
        try {
          const page = await client.models.list({ timeout: timeoutMs, maxRetries: 0 });
          return page.data.map((model) => model.id);
        } catch (error) {
          const verdict = classifyError(error, client.baseURL);
          throw new SampleError(`server ${client.baseURL}: ${verdict.message}`, true, verdict.status);
        }
      }),
    );
  }

  /**
   * Runs `attempt` against the next server until it succeeds or fails for good. `canRetry` says
   * whether a failed attempt may be repeated; `onAbort` gives the caller's-abort result (else it throws).
   */
  private async retrying<T>(
    call: CallOptions,
    attempt: (client: OpenAI, signal: AbortSignal, firstByteMs: number) => Promise<T>,
    canRetry: () => boolean = () => true,
    onAbort?: () => T,
  ): Promise<T> {
    const maxRetries = call.maxRetries ?? this.options.maxRetries ?? 6;
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs ?? 600_000;
    const firstByteMs = Math.min(timeoutMs, this.options.firstByteTimeoutMs ?? timeoutMs);
    for (let tries = 1; ; tries++) {
      const client = this.clients[this.next++ % this.clients.length] as OpenAI;
      const where = `${client.baseURL}${call.label ? ` (${call.label})` : ""}`;
      // The clock starts when the request is sent, not while it waits for a concurrency slot.
      let deadline: Deadline | undefined;
      try {
        return await this.semaphore.run(async () => {
          deadline = new Deadline(timeoutMs, call.signal);
          try {
            return await attempt(client, deadline.signal, firstByteMs);
          } finally {
            deadline.clear();
          }
        });
      } catch (error) {
        if (call.signal?.aborted) {
          if (onAbort) return onAbort();
          throw new SampleError(`${where}: cancelled by the caller`, false, undefined, "aborted");
        }
        const expired = deadline?.expired === true;
        const verdict = expired
          ? {
              retry: true,
              fatal: false,
              timeout: true,
              message: `timed out: no complete answer within ${timeoutMs / 1000} s`,
            }
          : classifyError(error, client.baseURL);
        const kind = verdict.timeout ? "timeout" : undefined;
        if (!verdict.retry || tries > maxRetries || !canRetry()) {
          const suffix = verdict.retry && tries > 1 ? ` after ${tries} attempts` : "";
          throw new SampleError(`${where}: ${verdict.message}${suffix}`, verdict.fatal, verdict.status, kind);
        }
        this.options.onRetry?.(`${where}: ${verdict.message}`, tries);
        await sleep(backoffDelay(tries - 1, this.options.backoff, retryAfterSeconds(error)));
      }
    }
  }
}

/** An AbortSignal that fires on the caller's abort or after `ms`; `expired` tells which. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly forward = () => this.controller.abort(this.caller?.reason);
  expired = false;
  constructor(
    ms: number,
    private readonly caller?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error(`timed out after ${ms} ms`));
    }, ms);
    if (caller?.aborted) this.forward();
    caller?.addEventListener("abort", this.forward, { once: true });
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  clear(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener("abort", this.forward);
  }
}
