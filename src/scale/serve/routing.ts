/**
 * Which strategy a request asks for: a model name `spec:upstream-model` (e.g. `maj@8:qwen`,
 * `early@16,margin=2:qwen`) or a body field `boxed: {strategy: "maj@8"}`. No strategy → passthrough.
 */
import { createStrategy, STRATEGIES } from "../strategies/registry.js";
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

const SPEC_PREFIX = /^([a-z][a-z0-9-]*@\d+(?:,[a-z][a-z-]*=[^,:@\s]+)*):(\S(?:.*\S)?)$/;

/**
 * A model name that means a strategy but does not parse (`maj@-1:m`, `MAJ@4:m`, `maj8:m`,
 * `maj@4: m`): an `@` before the first colon, or a known strategy name (any case) followed by a
 * digit, `@` or `,`. Forwarding it upstream as a model name would fail far from the typo.
 */
function looksLikeStrategy(model: string): boolean {
  const colon = model.indexOf(":");
  if (colon < 0) return false;
  const head = model.slice(0, colon).trim().toLowerCase();
  if (head.includes("@")) return true;
  return [...STRATEGIES.keys()].some((name) => new RegExp(`^${name}[\\d@,]`).test(head));
}

function nearMissError(model: string) {
  const head = model.slice(0, model.indexOf(":"));
  let reason = "the model after the colon must not start or end with spaces";
  try {
    createStrategy(head);
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  return invalidRequest(
    `model "${model}" looks like a strategy prefix but does not parse: ${reason}. ` +
      `Write <name>@<budget>[,key=value…]:<model>, e.g. maj@8:${model.slice(model.indexOf(":") + 1).trim() || "my-model"}; ` +
      `known strategies: ${[...STRATEGIES.keys()].join(", ")}`,
    "model",
  );
}

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
  if (!prefixed && looksLikeStrategy(model)) throw nearMissError(model);
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
