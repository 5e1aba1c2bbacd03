/**
 * `boxed serve`: an OpenAI-compatible proxy. `/v1/chat/completions` with a strategy (model
 * `maj@8:<model>` or body `boxed: {strategy}`) runs it online against the upstream and answers one
 * ChatCompletion (usage summed over every upstream call, `boxed` field with votes, samples, stop
 * reason); without one, the request is forwarded unchanged. Errors are OpenAI-shaped; a bad request
 * never stops the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { completionToStreamed } from "../../sample/chat-stream.js";
import { type ClientMessage, type GenerationRequest, OpenAIClient } from "../../sample/client.js";
import { SampleError } from "../../sample/retry.js";
import { type DeepConfOnlineOptions, runStrategy } from "../online/run.js";
import { verifierScorer } from "../online/verifier-scorer.js";
import { needsLogprobs } from "../strategies/weights.js";
import { ClientLimiter } from "./client-limiter.js";
import { chatCompletion, sendCompletionStream } from "./completion-response.js";
import { invalidRequest, ProxyError, sendError, upstreamFailure } from "./errors.js";
import { collect, Upstream } from "./passthrough.js";
import { type Route, routeRequest } from "./routing.js";

export interface ProxyOptions {
  /** Upstream OpenAI-compatible base URL, with or without the trailing `/v1`. */
  upstream: string;
  /** Key clients must send as `Authorization: Bearer <key>` (none: open). */
  apiKey?: string;
  /** Key sent to the upstream. */
  upstreamApiKey?: string;
  /** Requests in flight per client (API key, else remote address). Default 256. */
  maxConcurrentPerClient?: number;
  /** Sample the upstream with streaming (default true; false for servers that cannot stream). */
  upstreamStreaming?: boolean;
  /** Largest request body accepted, bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Limit on one whole upstream exchange (every streamed chunk included), ms. Default 600,000. */
  upstreamTimeoutMs?: number;
  /** Limit until the upstream's response headers arrive (connect + first byte), ms. Default: the whole limit. */
  upstreamFirstByteTimeoutMs?: number;
}

export interface BoxedProxy {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** Normalises an upstream base to end in `/v1/`. */
export function upstreamBase(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, "");
  parsed.pathname = `${path.endsWith("/v1") ? path : `${path}/v1`}/`;
  return parsed.toString();
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw invalidRequest("request body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw invalidRequest("request body must be a JSON object");
  return parsed as Record<string, unknown>;
}

export function createProxy(options: ProxyOptions): BoxedProxy {
  const timeouts = {
    wholeMs: options.upstreamTimeoutMs ?? 600_000,
    firstByteMs: options.upstreamFirstByteTimeoutMs ?? options.upstreamTimeoutMs ?? 600_000,
  };
  const upstream = new Upstream(upstreamBase(options.upstream), options.upstreamApiKey, timeouts);
  // Strategy samples go through the shared client; the client of the proxy decides about retries.
  const client = new OpenAIClient({
    baseUrls: [upstream.base.toString()],
    ...(options.upstreamApiKey !== undefined && { apiKey: options.upstreamApiKey }),
    concurrency: Number.POSITIVE_INFINITY,
    maxRetries: 0,
    timeoutMs: timeouts.wholeMs,
    firstByteTimeoutMs: timeouts.firstByteMs,
  });
  const limiter = new ClientLimiter(options.maxConcurrentPerClient ?? 256);
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;

  const handle = async (request: IncomingMessage, response: ServerResponse, closed: AbortSignal) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/health") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok", inFlight: limiter.inFlight }));
      return;
    }
    if (request.method === "GET" && path === "/v1/models")
      return upstream.forward("GET", "models", null, response, closed);
    if (request.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/v1/completions")) {
      throw new ProxyError(
        404,
        `no route ${request.method} ${path} (try POST /v1/chat/completions)`,
        "invalid_request_error",
        "not_found",
      );
    }
    const raw = await collect(request, maxBody);
    const body = parseJsonBody(raw);
    const route =
      path === "/v1/chat/completions" ? routeRequest(body) : { strategy: null, upstreamModel: "" };
    if (!route.strategy) return upstream.forward("POST", path.slice(4), raw, response, closed);
    await runRoute(route, body, response, closed);
  };

  const runRoute = async (
    route: Route,
    body: Record<string, unknown>,
    response: ServerResponse,
    closed: AbortSignal,
  ) => {
    const strategy = route.strategy;
    if (!strategy) return;
    const {
      boxed: extra,
      n: _n,
      stream,
      stream_options: streamOptions,
      model: _model,
      messages,
      logprobs: _logprobs,
      top_logprobs: _top,
      seed,
      ...rest
    } = body;
    const fields = (extra ?? {}) as { deepconf?: DeepConfOnlineOptions; verifier?: { model?: string } };
    const wantsConfidence = needsLogprobs(strategy) || fields.deepconf !== undefined;
    const topLogprobs = typeof body.top_logprobs === "number" ? body.top_logprobs : wantsConfidence ? 5 : 0;
    const generation = (index: number): GenerationRequest => ({
      model: route.upstreamModel,
      ...(typeof seed === "number" && { seed: seed + index }),
      ...(topLogprobs > 0 && { topLogprobs }),
      extraBody: rest,
    });
    const chat = messages as ClientMessage[];
    const result = await runStrategy({
      strategy,
      score: fields.verifier
        ? verifierScorer(client, {
            model: fields.verifier.model ?? route.upstreamModel,
            question: lastUserMessage(body),
            signal: closed,
          })
        : undefined,
      parallel: route.parallel,
      deepConf: fields.deepconf,
      signal: closed,
      sample: async (index, signal, onToken) =>
        options.upstreamStreaming === false
          ? completionToStreamed(await client.chat(chat, { ...generation(index), n: 1 }, { signal }))
          : client.streamChat(chat, generation(index), { signal, onToken }),
    });
    if (closed.aborted) return;
    const completion = chatCompletion(String(body.model), strategy.name, result);
    if (stream === true) {
      sendCompletionStream(
        response,
        completion,
        (streamOptions as { include_usage?: boolean } | undefined)?.include_usage === true,
      );
      return;
    }
    const text = JSON.stringify(completion);
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  };

  const server = createServer((request, response) => {
    const authorization = request.headers.authorization;
    if (options.apiKey && authorization !== `Bearer ${options.apiKey}`) {
      sendError(
        response,
        new ProxyError(
          401,
          "missing or wrong API key (send Authorization: Bearer <key>)",
          "invalid_request_error",
          "invalid_api_key",
        ),
      );
      request.resume();
      return;
    }
    const client = authorization ?? request.socket.remoteAddress ?? "unknown";
    if (!limiter.acquire(client)) {
      sendError(
        response,
        new ProxyError(
          429,
          `too many concurrent requests from this client (limit ${limiter.limit})`,
          "rate_limit_error",
          "concurrency_limit",
        ),
      );
      request.resume();
      return;
    }
    const abort = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) abort.abort();
    });
    handle(request, response, abort.signal)
      .catch((error: unknown) => sendError(response, asProxyError(error)))
      .finally(() => limiter.release(client));
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen: (port, host = "127.0.0.1") =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: () =>
      new Promise((resolve) => {
        upstream.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function lastUserMessage(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages)
    ? (body.messages as { role?: string; content?: unknown }[])
    : [];
  const last = messages.filter((message) => message.role === "user").at(-1);
  return typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
}

function asProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  if (error instanceof SampleError) {
    if (error.kind === "timeout")
      return new ProxyError(
        504,
        `upstream timed out: ${error.message}`,
        "upstream_error",
        "upstream_timeout",
      );
    const status =
      error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 502;
    if (status !== 502)
      return new ProxyError(status, error.message, "invalid_request_error", "upstream_rejected");
    return upstreamFailure(
      error.status === undefined ? `upstream unreachable or broken: ${error.message}` : error.message,
    );
  }
  return new ProxyError(
    500,
    `internal error: ${error instanceof Error ? error.message : String(error)}`,
    "server_error",
  );
}
