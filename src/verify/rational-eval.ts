/**
 * The fast path for polynomials and rational functions (in any number of variables, over the
 * Gaussian rationals Q(i)): an answer is compiled once into a tree of + − × ÷ and integer powers,
 * then evaluated exactly (BigInt) at seeded random rational points. Two rational functions that
 * agree at a random point of a set S differ with probability ≤ d/|S| (Schwartz 1980,
 * doi:10.1145/322217.322225; Zippel 1979), so three points from |S| ≈ 2^30 decide equality for the
 * degrees allowed here (≤ 256) with an error below 10^-20. Anything else (functions, roots,
 * symbolic exponents) compiles to null and goes to the CAS. Pure.
 */

import { withinRelative } from "./exact-number.js";
import { type Complex, complex, divide, isZero, sum, toNumber } from "./gaussian-rational.js";
import { collectVariables, evaluate, type Node, Parser } from "./rational-tree.js";

export interface Compiled {
  root: Node;
  variables: string[];
  /** Written with a decimal point: its value may be a rounding, so comparison is within tolerance. */
  inexact: boolean;
}

const MAX_LENGTH = 2000;

const CACHE_LIMIT = 5000;
const compiled = new Map<string, Compiled | null>();

/** The answer compiled for exact evaluation, or null when it is not a rational function (memoized). */
export function compileRational(latex: string): Compiled | null {
  const cached = compiled.get(latex);
  if (cached !== undefined) return cached;
  let result: Compiled | null = null;
  if (latex.length <= MAX_LENGTH) {
    try {
      const parser = new Parser(latex);
      const root = parser.parseAll();
      if (!parser.degreeOverflow)
        result = {
          root,
          variables: [...collectVariables(root, new Set())].sort(),
          inexact: /\d\.\d|(?<!\d)\.\d/.test(latex),
        };
    } catch {
      result = null;
    }
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(latex, result);
  return result;
}

/** Seeded points: variable values p/q with p in ±[1, 2^30), q in [1, 2^10] (fixed LCG, seed 20240601). */
function points(variables: string[], count: number): Map<string, Complex>[] {
  let state = 20240601;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () => {
    const point = new Map<string, Complex>();
    for (const name of variables) {
      const numerator = BigInt(next() % 1073741823) + 1n;
      const denominator = BigInt(next() % 1024) + 1n;
      point.set(name, complex([next() % 2 === 0 ? numerator : -numerator, denominator]));
    }
    return point;
  });
}

const POINT_COUNT = 6;
const REQUIRED_POINTS = 3;

/** Values of both answers at the shared seeded points where both are defined; null when the variables differ. */
function valuesAtPoints(first: Compiled, second: Compiled): [Complex, Complex][] | null {
  if (first.variables.join("\u0000") !== second.variables.join("\u0000")) return null;
  const pairs: [Complex, Complex][] = [];
  const count = first.variables.length === 0 ? 1 : POINT_COUNT;
  for (const point of points(first.variables, count)) {
    const a = evaluate(first.root, point);
    const b = evaluate(second.root, point);
    if (a && b) pairs.push([a, b]);
    if (pairs.length === REQUIRED_POINTS) break;
  }
  return pairs.length >= Math.min(count, REQUIRED_POINTS) ? pairs : null;
}

function valuesEqual(a: Complex, b: Complex, inexact: boolean, precision: number): boolean {
  const difference = sum(a, b, true);
  if (isZero(difference)) return true;
  if (!inexact) return false;
  // Within 10^-precision of the larger modulus (significant figures of a complex value).
  const [aRe, aIm] = toNumber(a);
  const [bRe, bIm] = toNumber(b);
  return withinRelative(
    Math.hypot(aRe - bRe, aIm - bIm),
    Math.max(Math.hypot(aRe, aIm), Math.hypot(bRe, bIm)),
    precision,
  );
}

/**
 * Equality of two rational functions by exact evaluation; null when either is not one or their
 * variables differ (the CAS decides those). Values written as decimals compare within tolerance.
 */
export function rationalEqual(gold: string, predicted: string, precision: number): boolean | null {
  const first = compileRational(gold);
  const second = compileRational(predicted);
  if (!first || !second) return null;
  const pairs = valuesAtPoints(first, second);
  if (!pairs) return null;
  const inexact = first.inexact || second.inexact;
  return pairs.every(([a, b]) => valuesEqual(a, b, inexact, precision));
}

/**
 * Whether `first` = λ·`second` for one nonzero constant λ (λ > 0 when `positive`): the same equation
 * `A = 0` up to a nonzero factor (`3x−6y+9` and `x/2+3/2−y`). Null when not decidable here.
 */
export function rationalProportional(first: string, second: string, positive: boolean): boolean | null {
  const a = compileRational(first);
  const b = compileRational(second);
  if (!a || !b || a.inexact || b.inexact || a.variables.length === 0) return null;
  const pairs = valuesAtPoints(a, b);
  if (!pairs) return null;
  let ratio: Complex | null = null;
  for (const [x, y] of pairs) {
    if (isZero(x) || isZero(y)) return isZero(x) && isZero(y) ? null : false;
    const current = divide(x, y);
    if (ratio && !isZero(sum(ratio, current, true))) return false;
    ratio = current;
  }
  if (!ratio || !positive) return ratio !== null;
  return ratio.im[0] === 0n && ratio.re[0] > 0n;
}
