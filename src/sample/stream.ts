/**
 * Streaming, cancellable sampling from any OpenAI-compatible `/v1/chat/completions` (vLLM, SGLang,
 * the boxed engine, OpenAI). Server-sent events are parsed as they arrive (`data: {…}` lines, ended by
 * `data: [DONE]`); per-token `top_logprobs` are surfaced to `onToken`, which may return `false` to abort
 * the stream (DeepConf online). Aborting — by `onToken` or by the caller's `signal` — closes the HTTP
 * connection, so the server stops generating; the partial text comes back with finishReason "cancelled".
 */
import type { FinishReason, Usage } from "./types.js";

export interface StreamRequest {
  /** Server base URL up to and including `/v1`, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** The chat-completions body (model, messages, temperature, max_tokens, logit_bias, …); `stream` is set here. */
  body: Record<string, unknown>;
  /** Alternatives per token to request (0: no logprobs). */
  topLogprobs?: number;
  signal?: AbortSignal;
  /** Called per streamed token (or chunk); return false to abort this stream. */
  onToken?: (text: string, topLogprobs: number[] | undefined) => boolean | undefined;
}

export interface StreamedCompletion {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  /** Log-prob of each sampled token (when requested). */
  logprobs: number[];
  /** Top-k log-probs at each step (when requested). */
  topLogprobs: number[][];
}

interface ChunkLogprob {
  logprob?: number;
  top_logprobs?: { logprob: number }[];
}

interface Chunk {
  choices?: {
    delta?: { content?: string | null };
    finish_reason?: string | null;
    logprobs?: { content?: ChunkLogprob[] | null } | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

/** An HTTP or protocol error from the upstream server, with its status when there was one. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly body: string | null = null,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

function requestBody(request: StreamRequest): string {
  const body: Record<string, unknown> = {
    ...request.body,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.topLogprobs && request.topLogprobs > 0) {
    body.logprobs = true;
    body.top_logprobs = request.topLogprobs;
  }
  return JSON.stringify(body);
}

/** Streams one completion; resolves with the text so far even when aborted. */
export async function streamChatCompletion(request: StreamRequest): Promise<StreamedCompletion> {
  const abort = new AbortController();
  const onCallerAbort = () => abort.abort();
  if (request.signal?.aborted) abort.abort();
  request.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const result: StreamedCompletion = {
    text: "",
    finishReason: "stop",
    usage: { promptTokens: 0, completionTokens: 0 },
    logprobs: [],
    topLogprobs: [],
  };
  let chunks = 0;
  let usageSeen = false;
  try {
    const response = await fetch(`${request.baseUrl.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {}),
      },
      body: requestBody(request),
      signal: abort.signal,
    });
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => "");
      throw new UpstreamError(
        `upstream answered HTTP ${response.status}: ${text.slice(0, 500)}`,
        response.status,
        text,
      );
    }
    const decoder = new TextDecoder();
    let buffer = "";
    let events = 0;
    let head = "";
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      if (head.length < 200) head += buffer.slice(0, 200);
      let end = buffer.indexOf("\n");
      while (end >= 0) {
        const line = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 1);
        end = buffer.indexOf("\n");
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        events++;
        if (data === "[DONE]") return result;
        const chunk = parseChunk(data);
        if (chunk.usage) {
          usageSeen = true;
          result.usage = {
            promptTokens: chunk.usage.prompt_tokens ?? 0,
            completionTokens: chunk.usage.completion_tokens ?? 0,
          };
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.finish_reason) result.finishReason = choice.finish_reason === "length" ? "length" : "stop";
        const delta = choice.delta?.content ?? "";
        const steps = choice.logprobs?.content ?? [];
        result.text += delta;
        if (delta !== "" || steps.length > 0) chunks++;
        if (!acceptSteps(request, result, delta, steps)) {
          result.finishReason = "cancelled";
          abort.abort();
          return result;
        }
      }
    }
    if (events === 0)
      throw new UpstreamError(
        `upstream answered without a server-sent event stream: ${head.slice(0, 200)}`,
        null,
        head,
      );
    return result;
  } catch (error) {
    if (abort.signal.aborted) {
      result.finishReason = "cancelled";
      return result;
    }
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError(
      `upstream unreachable or broken stream: ${error instanceof Error ? error.message : String(error)}`,
      null,
    );
  } finally {
    request.signal?.removeEventListener("abort", onCallerAbort);
    if (!usageSeen) result.usage.completionTokens = Math.max(result.logprobs.length, chunks);
  }
}

function parseChunk(data: string): Chunk {
  let chunk: Chunk;
  try {
    chunk = JSON.parse(data) as Chunk;
  } catch {
    throw new UpstreamError(
      `upstream sent a stream chunk that is not JSON: ${data.slice(0, 200)}`,
      null,
      data,
    );
  }
  if (chunk.error)
    throw new UpstreamError(`upstream error in stream: ${chunk.error.message ?? "unknown"}`, null, data);
  return chunk;
}

/** Records the chunk's token log-probs and asks `onToken`; false means abort. */
function acceptSteps(
  request: StreamRequest,
  result: StreamedCompletion,
  delta: string,
  steps: readonly ChunkLogprob[],
): boolean {
  if (steps.length === 0) return delta === "" || request.onToken?.(delta, undefined) !== false;
  for (const step of steps) {
    const top = (step.top_logprobs ?? []).map((alternative) => alternative.logprob);
    if (step.logprob !== undefined) result.logprobs.push(step.logprob);
    if (top.length > 0) result.topLogprobs.push(top);
    if (request.onToken?.(delta, top.length > 0 ? top : undefined) === false) return false;
  }
  return true;
}

interface CompletionBody {
  choices?: {
    message?: { content?: string | null };
    finish_reason?: string | null;
    logprobs?: { content?: ChunkLogprob[] | null } | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/**
 * The same request without streaming, for servers that cannot stream. Aborting
 * still closes the connection, but the server may finish generating the response it started.
 */
export async function completeChat(request: StreamRequest): Promise<StreamedCompletion> {
  const body: Record<string, unknown> = { ...request.body, stream: false };
  if (request.topLogprobs && request.topLogprobs > 0)
    Object.assign(body, { logprobs: true, top_logprobs: request.topLogprobs });
  const result: StreamedCompletion = {
    text: "",
    finishReason: "stop",
    usage: { promptTokens: 0, completionTokens: 0 },
    logprobs: [],
    topLogprobs: [],
  };
  let response: Response;
  try {
    response = await fetch(`${request.baseUrl.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: request.signal,
    });
  } catch (error) {
    if (request.signal?.aborted) return { ...result, finishReason: "cancelled" };
    throw new UpstreamError(
      `upstream unreachable: ${error instanceof Error ? error.message : String(error)}`,
      null,
    );
  }
  const text = await response.text().catch(() => "");
  if (!response.ok)
    throw new UpstreamError(
      `upstream answered HTTP ${response.status}: ${text.slice(0, 500)}`,
      response.status,
      text,
    );
  let parsed: CompletionBody;
  try {
    parsed = JSON.parse(text) as CompletionBody;
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
  const steps = choice.logprobs?.content ?? [];
  return {
    text: choice.message?.content ?? "",
    finishReason: choice.finish_reason === "length" ? "length" : "stop",
    usage: {
      promptTokens: parsed.usage?.prompt_tokens ?? 0,
      completionTokens: parsed.usage?.completion_tokens ?? steps.length,
    },
    logprobs: steps.flatMap((step) => (step.logprob === undefined ? [] : [step.logprob])),
    topLogprobs: steps
      .map((step) => (step.top_logprobs ?? []).map((alternative) => alternative.logprob))
      .filter((top) => top.length > 0),
  };
}
