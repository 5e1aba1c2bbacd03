/**
 * Which strategy a request asks for: a model name `spec:upstream-model` (e.g. `maj@8:qwen`,
 * `early@16,margin=2:qwen`) or a body field `boxed: {strategy: "maj@8"}`. No strategy → passthrough.
 */
import { createStrategy } from "../strategies/registry.js";
import type { Strategy } from "../strategies/types.js";
import { invalidRequest } from "./errors.js";

export interface Route {
  /** null: forward the request unchanged. */
  strategy: Strategy | null;
  /** The model name to send upstream. */
  upstreamModel: string;
  /** Online options from the `boxed` body field. */
  parallel?: number;
}

const SPEC_PREFIX = /^([a-z][a-z0-9-]*@\d+(?:,[a-z][a-z-]*=[^,:@\s]+)*):(.+)$/;

export function routeRequest(body: Record<string, unknown>): Route {
  const model = body.model;
  if (typeof model !== "string" || model === "")
    throw invalidRequest("model: must be a non-empty string", "model");
  const extra = body.boxed;
  if (extra !== undefined && (typeof extra !== "object" || extra === null || Array.isArray(extra))) {
    throw invalidRequest('boxed: must be an object like {"strategy": "maj@8"}', "boxed");
  }
  const fields = (extra ?? {}) as Record<string, unknown>;
  const prefixed = SPEC_PREFIX.exec(model);
  const spec = fields.strategy ?? prefixed?.[1];
  const upstreamModel = prefixed?.[2] ?? model;
  if (spec === undefined) return { strategy: null, upstreamModel };
  if (typeof spec !== "string")
    throw invalidRequest("boxed.strategy: must be a string like maj@8", "boxed.strategy");
  const parallel = fields.parallel;
  if (parallel !== undefined && !(Number.isInteger(parallel) && (parallel as number) >= 1)) {
    throw invalidRequest("boxed.parallel: must be a positive integer", "boxed.parallel");
  }
  try {
    return { strategy: createStrategy(spec), upstreamModel, parallel: parallel as number | undefined };
  } catch (error) {
    throw invalidRequest(error instanceof Error ? error.message : String(error), "model");
  }
}
