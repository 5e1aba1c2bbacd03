import { z } from "zod";
import { ErrorBodySchema } from "./schemas.js";

/** An error answer of the engine (4xx bad input, 5xx engine failure), or a transport failure. */
export class EngineError extends Error {
  /** HTTP status; 0 when no answer came (connection refused, timeout). */
  readonly status: number;
  /** The engine's error type (e.g. `invalid_request_error`), or `transport` / `timeout`. */
  readonly type: string;
  /** The request field the engine blamed, when it named one. */
  readonly param: string | null;

  constructor(
    message: string,
    options: { status: number; type: string; param?: string | null; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EngineError";
    this.status = options.status;
    this.type = options.type;
    this.param = options.param ?? null;
  }
}

/** Turns an engine error answer into an `EngineError` naming the endpoint, the status and the engine's message. */
export function errorFromResponse(endpoint: string, status: number, bodyText: string): EngineError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const body = ErrorBodySchema.safeParse(parsed);
  if (body.success) {
    const { message, type, param } = body.data.error;
    const where = param ? ` (param ${param})` : "";
    return new EngineError(`engine ${endpoint} failed with ${status}: ${message}${where}`, {
      status,
      type,
      param: param ?? null,
    });
  }
  const text = bodyText.length > 500 ? `${bodyText.slice(0, 500)}…` : bodyText;
  return new EngineError(`engine ${endpoint} failed with ${status}: ${text || "(empty body)"}`, {
    status,
    type: "http_error",
  });
}

/** A request the client refused to send: names the argument and the problem. */
export function invalidRequestError(endpoint: string, error: z.ZodError): EngineError {
  return new EngineError(`invalid ${endpoint} request: ${z.prettifyError(error)}`, {
    status: 0,
    type: "invalid_request",
    param: error.issues[0]?.path.join(".") || null,
  });
}
