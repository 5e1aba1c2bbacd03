/** OpenAI-style error bodies: `{"error": {"message", "type", "param", "code"}}` with a matching HTTP status. */
import type { ServerResponse } from "node:http";

export class ProxyError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = "ProxyError";
  }
}

export function errorBody(error: ProxyError): string {
  return JSON.stringify({
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  });
}

/** Writes the error unless a response has already started (then the connection is ended). */
export function sendError(response: ServerResponse, error: ProxyError): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const body = errorBody(error);
  response.writeHead(error.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

export const invalidRequest = (message: string, param: string | null = null) =>
  new ProxyError(400, message, "invalid_request_error", null, param);

export const upstreamFailure = (message: string) =>
  new ProxyError(502, message, "upstream_error", "bad_gateway");
