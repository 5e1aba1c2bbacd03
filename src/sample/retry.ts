import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";

/**
 * A request that failed for good; `fatal` errors (bad key, unknown model, wrong URL) stop the whole
 * run. `kind` tells a timeout (a proxy answers 504) and a caller's cancellation from other failures.
 */
export class SampleError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
    readonly status?: number,
    readonly kind?: "timeout" | "aborted",
  ) {
    super(message);
    this.name = "SampleError";
  }
}

/** Rejects keys of an options object that `known` does not list, naming them and the known ones. */
export function checkOptionKeys(
  what: string,
  options: Record<string, unknown>,
  known: readonly string[],
): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    throw new Error(
      `${what}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (known: ${known.join(", ")})`,
    );
}

/** The hint for a 404: OpenAI-compatible servers serve under `/v1`. */
export function notFoundHint(baseUrl: string | undefined): string {
  if (baseUrl === undefined || /\/v1\/?$/.test(new URL(baseUrl).pathname)) return "";
  return `; OpenAI-compatible servers serve under /v1: is --base-url missing it (e.g. ${baseUrl.replace(/\/+$/, "")}/v1)?`;
}

export interface BackoffOptions {
  /** First retry's delay cap in ms. Default 500. */
  baseMs?: number;
  /** Largest delay in ms. Default 20,000. */
  maxMs?: number;
  /** Uniform [0, 1) source; injected for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with "full jitter" (Brooker 2015, AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): delay = random · min(max, base · 2^attempt), which spreads retries of many
 * clients so that they do not arrive in synchronised waves. A server's Retry-After wins when given.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  retryAfterSeconds?: number,
): number {
  const cap = Math.min(options.maxMs ?? 20_000, (options.baseMs ?? 500) * 2 ** attempt);
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds)) {
    return Math.min(options.maxMs ?? 20_000, retryAfterSeconds * 1000);
  }
  return (options.random ?? Math.random)() * cap;
}

/**
 * What to do with a failed request: retry (429, 5xx, 408, timeouts, disconnects, unreadable bodies)
 * or give up. `baseUrl` (the server asked) lets a 404 say that the URL may lack `/v1`.
 */
export function classifyError(
  error: unknown,
  baseUrl?: string,
): { retry: boolean; fatal: boolean; timeout?: boolean; status?: number; message: string } {
  if (error instanceof APIConnectionTimeoutError)
    return {
      retry: true,
      fatal: false,
      timeout: true,
      message: "timed out: no response headers in time (first-byte timeout)",
    };
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { retry: true, fatal: false, message: `${error.message}${cause?.code ? ` (${cause.code})` : ""}` };
  }
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    const retry = status === 408 || status === 409 || status === 429 || status >= 500;
    const fatal = status === 401 || status === 403 || status === 404;
    const hint = status === 404 ? notFoundHint(baseUrl) : "";
    return { retry, fatal, status, message: `HTTP ${status}: ${error.message}${hint}` };
  }
  if (error instanceof SyntaxError)
    return { retry: true, fatal: false, message: `malformed JSON from the server (${error.message})` };
  if (error instanceof SampleError) return { retry: true, fatal: false, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { retry: true, fatal: false, message: `connection dropped or unreadable response (${message})` };
}

/** Retry-After in seconds from an OpenAI SDK error's headers, if present. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const value = error.headers.get("retry-after");
  return value === null ? undefined : Number(value);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
