/**
 * Scalar comparison through the CAS (`@cortex-js/compute-engine` 0.140, LaTeX → MathJSON).
 * The engine is created lazily on first need, so importing `src/verify` stays cheap.
 *
 * Strategy for two scalars a (gold) and b (predicted):
 *  1. either does not parse (an `Error` node) → unparseable;
 *  2. no free variables on either side → integers exactly, other values (real and imaginary parts)
 *     to `precision` significant digits (floor 1e-12 for values that should be 0);
 *  3. a and b structurally the same → equal;
 *  4. numeric evaluation at seeded pseudo-random points (the Schwartz–Zippel idea, Schwartz 1980,
 *     doi:10.1145/322217.322225): different at the first of up to 6 points where both are finite
 *     and differ beyond 1e-6 relative, equal when at least 3 such points agree;
 *  5. only when fewer than 3 points are finite: simplify(a − b) = 0 → equal.
 */
import { createRequire } from "node:module";
import type { BoxedExpression, ComputeEngine } from "@cortex-js/compute-engine";
import { closeEnough } from "./exact-number.js";

type ComputeEngineModule = typeof import("@cortex-js/compute-engine");

let engine: ComputeEngine | null = null;
const parseCache = new Map<string, BoxedExpression>();
const PARSE_CACHE_LIMIT = 5000;

/**
 * The engine, created on first need. The library itself is loaded here too (its CommonJS build,
 * synchronously): importing it costs ~0.4 s, which `import "boxed"` should not pay up front.
 */
function computeEngine(): ComputeEngine {
  if (!engine) {
    const library = createRequire(import.meta.url)("@cortex-js/compute-engine") as ComputeEngineModule;
    engine = new library.ComputeEngine();
  }
  return engine;
}

export function parseLatex(latex: string): BoxedExpression {
  const cached = parseCache.get(latex);
  if (cached) return cached;
  const expression = computeEngine().parse(latex);
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
  parseCache.set(latex, expression);
  return expression;
}

export type CasVerdict = "equal" | "different" | "unparseable";

const POINT_COUNT = 6;
const REQUIRED_POINTS = 3;
const POINT_TOLERANCE = 6;

/** Deterministic points in [0.3, 2.3): a fixed linear congruential sequence (seed 12345). */
function samplePoints(count: number): number[] {
  const points: number[] = [];
  let state = 12345;
  for (let index = 0; index < count; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    points.push(0.3 + (2 * state) / 2147483648);
  }
  return points;
}
const POINTS = samplePoints(POINT_COUNT * 8);

function numericValue(expression: BoxedExpression): { real: number; imaginary: number } | null {
  const value = expression.N();
  const real = value.re;
  const imaginary = value.im;
  if (typeof real !== "number" || Number.isNaN(real)) return null;
  return { real, imaginary: typeof imaginary === "number" && !Number.isNaN(imaginary) ? imaginary : 0 };
}

/** The exact integer value of a constant expression (`2^{64}`, `20!`), or null when it is not an integer. */
function exactInteger(expression: BoxedExpression): bigint | null {
  const value = expression.evaluate();
  if (value.isInteger !== true) return null;
  const json = value.json;
  const text =
    typeof json === "number"
      ? String(json)
      : typeof json === "object" && json && "num" in json
        ? String(json.num)
        : null;
  const match = text === null ? null : /^(-?)(\d+)(?:\.(\d+))?(?:e\+?(\d+))?$/.exec(text);
  if (!match) return null;
  const fraction = match[3] ?? "";
  const exponent = Number(match[4] ?? 0) - fraction.length;
  if (exponent < 0 || exponent > 10_000) return null;
  const magnitude = BigInt(match[2] + fraction) * 10n ** BigInt(exponent);
  return match[1] === "-" ? -magnitude : magnitude;
}

/** Absolute floor of the relative comparison, for values that should be 0 (`\sin\pi` ≈ 1.2e-16). */
const ZERO_FLOOR = 1e-12;

/**
 * Numeric closeness of two constants to `precision` significant digits (real and imaginary parts),
 * with an absolute floor of 1e-12 only for values that should be 0 (`\sin\pi` ≈ 1.2e-16), so that
 * `\frac{1}{10^9}` ≠ `\frac{2}{10^9}` and `4.1\times10^{-9}` ≠ `4.1\times10^{-8}`.
 */
function numericallyClose(
  first: BoxedExpression,
  second: BoxedExpression,
  precision: number,
): boolean | null {
  const firstValue = numericValue(first);
  const secondValue = numericValue(second);
  if (!firstValue || !secondValue) return null;
  const close = (a: number, b: number) => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
    return Math.abs(a - b) <= ZERO_FLOOR || closeEnough(a, b, precision);
  };
  return close(firstValue.real, secondValue.real) && close(firstValue.imaginary, secondValue.imaginary);
}

/** "equal" when a and b agree at every point where both are finite and at least 3 such points exist; null when too few are. */
function verdictAtRandomPoints(
  first: BoxedExpression,
  second: BoxedExpression,
  variables: string[],
): CasVerdict | null {
  let agreeing = 0;
  for (let attempt = 0; attempt < POINT_COUNT; attempt++) {
    const assignment: Record<string, number> = {};
    variables.forEach((variable, index) => {
      assignment[variable] = POINTS[(attempt * variables.length + index) % POINTS.length];
    });
    const verdict = numericallyClose(first.subs(assignment), second.subs(assignment), POINT_TOLERANCE);
    if (verdict === false) return "different";
    if (verdict === true) agreeing++;
  }
  return agreeing >= REQUIRED_POINTS ? "equal" : null;
}

/** With `strict: false`, a lone differing variable on each side is renamed to match (`f(x)` vs `f(y)`). */
function renameLoneVariable(gold: BoxedExpression, predicted: BoxedExpression): BoxedExpression {
  const goldOnly = gold.freeVariables.filter((name) => !predicted.freeVariables.includes(name));
  const predictedOnly = predicted.freeVariables.filter((name) => !gold.freeVariables.includes(name));
  if (goldOnly.length !== 1 || predictedOnly.length !== 1) return predicted;
  return predicted.subs({ [predictedOnly[0]]: computeEngine().symbol(goldOnly[0]) });
}

/** The CAS throws on some malformed input it accepted at parse time (`Not canonical`): that is a verdict. */
export function compareWithCas(
  goldLatex: string,
  predictedLatex: string,
  options: { precision: number; strict: boolean },
): CasVerdict {
  try {
    return compareParsed(goldLatex, predictedLatex, options);
  } catch {
    return "unparseable";
  }
}

function compareParsed(
  goldLatex: string,
  predictedLatex: string,
  options: { precision: number; strict: boolean },
): CasVerdict {
  const gold = parseLatex(goldLatex);
  let predicted = parseLatex(predictedLatex);
  if (!gold.isValid || !predicted.isValid) return "unparseable";
  if (!options.strict) predicted = renameLoneVariable(gold, predicted);
  const variables = [...new Set([...gold.freeVariables, ...predicted.freeVariables])];
  if (variables.length === 0) {
    // Integers compare exactly: the tolerance would call 2^{64} equal to 2^{64}+1.
    const goldInteger = exactInteger(gold);
    const predictedInteger = exactInteger(predicted);
    if (goldInteger !== null && predictedInteger !== null)
      return goldInteger === predictedInteger ? "equal" : "different";
    const close = numericallyClose(gold, predicted, options.precision);
    if (close !== null) return close ? "equal" : "different";
  }
  if (gold.isSame(predicted)) return "equal";
  if (variables.length === 0) return "different";
  // The points first: simplification costs far more, and is needed only where too few points are finite.
  const atPoints = verdictAtRandomPoints(gold, predicted, variables);
  if (atPoints) return atPoints;
  return gold.sub(predicted).simplify().is(0) ? "equal" : "different";
}
