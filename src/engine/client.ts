/**
 * `EngineClient`: typed client of the engine protocol v1 (`docs/engine-protocol.md`) over fetch.
 * Requests are checked with zod before they leave (an unknown field or a bad type is reported
 * here, naming the field); answers are checked against the protocol's response schemas; an
 * error answer becomes an `EngineError` carrying the status and the engine's message.
 */
import type { z } from "zod";
import { EngineError, errorFromResponse, invalidRequestError } from "./errors.js";
import {
  type BackwardRequest,
  BackwardRequestSchema,
  type BackwardResponse,
  BackwardResponseSchema,
  EmptySchema,
  type ForwardBackwardRequest,
  ForwardBackwardRequestSchema,
  type ForwardBackwardResponse,
  ForwardBackwardResponseSchema,
  type ForwardRequest,
  ForwardRequestSchema,
  type ForwardResponse,
  ForwardResponseSchema,
  type HealthResponse,
  HealthResponseSchema,
  type InfoResponse,
  InfoResponseSchema,
  type LoadStateResponse,
  LoadStateResponseSchema,
  type LogprobsRequest,
  LogprobsRequestSchema,
  type LogprobsResponse,
  LogprobsResponseSchema,
  type OptimStepRequest,
  OptimStepRequestSchema,
  type OptimStepResponse,
  OptimStepResponseSchema,
  PathRequestSchema,
  type PathResponse,
  PathResponseSchema,
  type SampleRequest,
  SampleRequestSchema,
  type SampleResponse,
  SampleResponseSchema,
} from "./schemas.js";

export interface EngineClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  url: string;
  /** Bearer token the engine requires (`startEngine` generates one; see RunningEngine.token). */
  token?: string;
  /** Per-request timeout in milliseconds (default 10 minutes: a training call on CPU can be long). */
  timeoutMs?: number;
}

export class EngineClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: EngineClientOptions) {
    if (!/^https?:\/\//.test(options.url)) {
      throw new Error(`EngineClient: url must start with http:// or https://, got "${options.url}"`);
    }
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
      throw new Error(`EngineClient: timeoutMs must be a positive number, got ${options.timeoutMs}`);
    }
    this.url = options.url.replace(/\/+$/, "");
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 600_000;
  }

  health(): Promise<HealthResponse> {
    return this.call("GET", "/health", undefined, undefined, HealthResponseSchema);
  }

  info(): Promise<InfoResponse> {
    return this.call("GET", "/info", undefined, undefined, InfoResponseSchema);
  }

  sample(request: SampleRequest): Promise<SampleResponse> {
    return this.call("POST", "/sample", request, SampleRequestSchema, SampleResponseSchema);
  }

  logprobs(request: LogprobsRequest): Promise<LogprobsResponse> {
    return this.call("POST", "/logprobs", request, LogprobsRequestSchema, LogprobsResponseSchema);
  }

  forwardBackward(request: ForwardBackwardRequest): Promise<ForwardBackwardResponse> {
    return this.call(
      "POST",
      "/forward_backward",
      request,
      ForwardBackwardRequestSchema,
      ForwardBackwardResponseSchema,
    );
  }

  forward(request: ForwardRequest): Promise<ForwardResponse> {
    return this.call("POST", "/forward", request, ForwardRequestSchema, ForwardResponseSchema);
  }

  backward(request: BackwardRequest): Promise<BackwardResponse> {
    return this.call("POST", "/backward", request, BackwardRequestSchema, BackwardResponseSchema);
  }

  optimStep(request: OptimStepRequest): Promise<OptimStepResponse> {
    return this.call("POST", "/optim_step", request, OptimStepRequestSchema, OptimStepResponseSchema);
  }

  async zeroGrad(): Promise<void> {
    await this.call("POST", "/zero_grad", {}, EmptySchema.strict(), EmptySchema);
  }

  saveState(path: string): Promise<PathResponse> {
    return this.call("POST", "/save_state", { path }, PathRequestSchema, PathResponseSchema);
  }

  loadState(path: string): Promise<LoadStateResponse> {
    return this.call("POST", "/load_state", { path }, PathRequestSchema, LoadStateResponseSchema);
  }

  /** Writes a standard HuggingFace model directory (LoRA merged) at `path`. */
  export(path: string): Promise<PathResponse> {
    return this.call("POST", "/export", { path }, PathRequestSchema, PathResponseSchema);
  }

  /**
   * Sends `body` as is (no client-side check) and returns the parsed JSON answer; an error
   * answer still throws `EngineError`. For endpoints without a typed method and for probing
   * the engine's own validation.
   */
  async request(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    const text = await this.send(method, path, body);
    return text === "" ? undefined : JSON.parse(text);
  }

  private async call<Request, Response>(
    method: "GET" | "POST",
    path: string,
    body: Request | undefined,
    requestSchema: z.ZodType<Request> | undefined,
    responseSchema: z.ZodType<Response>,
  ): Promise<Response> {
    if (requestSchema !== undefined) {
      const checked = requestSchema.safeParse(body);
      if (!checked.success) throw invalidRequestError(path, checked.error);
    }
    const text = await this.send(method, path, body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new EngineError(`engine ${path} answered with invalid JSON: ${text.slice(0, 200)}`, {
        status: 200,
        type: "invalid_response",
        cause: error,
      });
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) {
      throw new EngineError(`engine ${path} answered outside the protocol: ${parsed.error.message}`, {
        status: 200,
        type: "invalid_response",
      });
    }
    return parsed.data;
  }

  private async send(method: "GET" | "POST", path: string, body: unknown): Promise<string> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let response: globalThis.Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw transportError(path, this.url, this.timeoutMs, error);
    }
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(path, response.status, text);
    return text;
  }
}

function transportError(path: string, url: string, timeoutMs: number, error: unknown): EngineError {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return new EngineError(`engine ${path} timed out after ${timeoutMs} ms (${url})`, {
      status: 0,
      type: "timeout",
      cause: error,
    });
  }
  const reason =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : "";
  return new EngineError(`engine ${path} unreachable at ${url}: ${reason}`, {
    status: 0,
    type: "transport",
    cause: error,
  });
}
