/**
 * The fast path for polynomials and rational functions (in any number of variables, over the
 * Gaussian rationals Q(i)): an answer is compiled once into a tree of + − × ÷ and integer powers,
 * then evaluated exactly (BigInt) at seeded random rational points. Two rational functions that
 * agree at a random point of a set S differ with probability ≤ d/|S| (Schwartz 1980,
 * doi:10.1145/322217.322225; Zippel 1979), so three points from |S| ≈ 2^30 decide equality for the
 * degrees allowed here (≤ 256) with an error below 10^-20. Anything else (functions, roots,
 * symbolic exponents) compiles to null and goes to the CAS. Pure.
 */

import { closeEnough } from "./exact-number.js";
import {
  type Complex,
  complex,
  divide,
  isZero,
  multiply,
  power,
  sum,
  toNumber,
} from "./gaussian-rational.js";

type Node =
  | { kind: "number"; value: Complex }
  | { kind: "variable"; name: string }
  | { kind: "sum"; terms: Node[]; negated: boolean[] }
  | { kind: "product"; factors: Node[]; inverted: boolean[] }
  | { kind: "power"; base: Node; exponent: number };

export interface Compiled {
  root: Node;
  variables: string[];
  /** Written with a decimal point: its value may be a rounding, so comparison is within tolerance. */
  inexact: boolean;
}

const MAX_LENGTH = 2000;
const MAX_EXPONENT = 64;
const MAX_DEGREE = 256;
const GREEK =
  /^\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|kappa|lambda|mu|nu|xi|rho|sigma|tau|phi|varphi|chi|psi|omega|pi|Gamma|Delta|Theta|Lambda|Sigma|Phi|Psi|Omega)(?![a-zA-Z])/;
const TOKEN =
  /\s+|\\frac(?![a-zA-Z])|\\(?:cdot|times|div)(?![a-zA-Z])|\d+(?:\.\d+)?|\.\d+|[a-zA-Z](?:'+)?(?:_(?:\{[^{}]*\}|[a-zA-Z0-9]))?|\\[a-zA-Z]+(?:_(?:\{[^{}]*\}|[a-zA-Z0-9]))?|[-+*/^(){}]/y;

class Parser {
  private tokens: string[] = [];
  private position = 0;
  degreeOverflow = false;

  constructor(text: string) {
    const sticky = new RegExp(TOKEN.source, "y");
    let index = 0;
    while (index < text.length) {
      sticky.lastIndex = index;
      const match = sticky.exec(text);
      if (!match) throw new SyntaxError(`unsupported at ${index}`);
      if (match[0].trim() !== "") this.tokens.push(match[0]);
      index = sticky.lastIndex;
    }
  }

  parseAll(): Node {
    const node = this.expression();
    if (this.position !== this.tokens.length) throw new SyntaxError("trailing tokens");
    return node;
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private expect(token: string): void {
    if (this.tokens[this.position++] !== token) throw new SyntaxError(`expected ${token}`);
  }

  private expression(): Node {
    const terms: Node[] = [];
    const negated: boolean[] = [];
    let negate = false;
    while (this.peek() === "+" || this.peek() === "-")
      negate = this.tokens[this.position++] === "-" ? !negate : negate;
    terms.push(this.term());
    negated.push(negate);
    while (this.peek() === "+" || this.peek() === "-") {
      negate = false;
      while (this.peek() === "+" || this.peek() === "-")
        negate = this.tokens[this.position++] === "-" ? !negate : negate;
      terms.push(this.term());
      negated.push(negate);
    }
    return terms.length === 1 && !negated[0] ? terms[0] : { kind: "sum", terms, negated };
  }

  private term(): Node {
    const factors = [this.power()];
    const inverted = [false];
    for (;;) {
      const next = this.peek();
      if (next === "*" || next === "\\cdot" || next === "\\times" || next === "/" || next === "\\div") {
        this.position++;
        factors.push(this.power());
        inverted.push(next === "/" || next === "\\div");
      } else if (next !== undefined && !"+-)}^".includes(next)) {
        factors.push(this.power()); // implicit multiplication: `2x`, `3(x+1)`
        inverted.push(false);
      } else break;
    }
    return factors.length === 1 ? factors[0] : { kind: "product", factors, inverted };
  }

  private power(): Node {
    const base = this.primary();
    if (this.peek() !== "^") return base;
    this.position++;
    const exponentNode = this.peek() === "{" ? this.group("{", "}") : this.primary();
    const exponent = constantInteger(exponentNode);
    if (exponent === null || Math.abs(exponent) > MAX_EXPONENT) throw new SyntaxError("exponent");
    if (Math.max(1, degree(base)) * Math.abs(exponent) > MAX_DEGREE) this.degreeOverflow = true;
    return { kind: "power", base, exponent };
  }

  private group(open: string, close: string): Node {
    this.expect(open);
    const node = this.expression();
    this.expect(close);
    return node;
  }

  private primary(): Node {
    const token = this.peek();
    if (token === undefined) throw new SyntaxError("unexpected end");
    if (token === "(") return this.group("(", ")");
    if (token === "{") return this.group("{", "}");
    if (token === "\\frac") {
      this.position++;
      const numerator = this.group("{", "}");
      const denominator = this.group("{", "}");
      return { kind: "product", factors: [numerator, denominator], inverted: [false, true] };
    }
    this.position++;
    if (/^[\d.]/.test(token)) return { kind: "number", value: complex(decimalRational(token)) };
    if (token === "i") return { kind: "number", value: complex([0n, 1n], [1n, 1n]) };
    if (/^[a-zA-Z]/.test(token) || GREEK.test(token))
      return { kind: "variable", name: token.replace(/\s/g, "") };
    throw new SyntaxError(`unsupported ${token}`);
  }
}

function decimalRational(token: string): [bigint, bigint] {
  const [whole, fraction = ""] = token.split(".");
  return [BigInt((whole || "0") + fraction), 10n ** BigInt(fraction.length)];
}

function degree(node: Node): number {
  switch (node.kind) {
    case "number":
      return 0;
    case "variable":
      return 1;
    case "sum":
      return Math.max(...node.terms.map(degree));
    case "product":
      return node.factors.reduce((total, factor) => total + degree(factor), 0);
    case "power":
      return degree(node.base) * Math.abs(node.exponent);
  }
}

function constantInteger(node: Node): number | null {
  const value = evaluate(node, new Map());
  if (!value) return null;
  if (value.im[0] !== 0n || value.re[1] !== 1n) return null;
  return Number(value.re[0]);
}

function collectVariables(node: Node, into: Set<string>): Set<string> {
  if (node.kind === "variable") into.add(node.name);
  else if (node.kind === "sum") for (const term of node.terms) collectVariables(term, into);
  else if (node.kind === "product") for (const factor of node.factors) collectVariables(factor, into);
  else if (node.kind === "power") collectVariables(node.base, into);
  return into;
}

/** The value at `point` (every variable assigned), or null on a division by zero. */
function evaluate(node: Node, point: Map<string, Complex>): Complex | null {
  switch (node.kind) {
    case "number":
      return node.value;
    case "variable":
      return point.get(node.name) ?? null;
    case "sum": {
      let total = complex([0n, 1n]);
      for (let index = 0; index < node.terms.length; index++) {
        const value = evaluate(node.terms[index], point);
        if (!value) return null;
        total = sum(total, value, node.negated[index]);
      }
      return total;
    }
    case "product": {
      let total = complex([1n, 1n]);
      for (let index = 0; index < node.factors.length; index++) {
        const value = evaluate(node.factors[index], point);
        if (!value) return null;
        if (node.inverted[index] && isZero(value)) return null;
        total = node.inverted[index] ? divide(total, value) : multiply(total, value);
      }
      return total;
    }
    case "power": {
      const base = evaluate(node.base, point);
      if (!base || (node.exponent < 0 && isZero(base))) return null;
      return power(base, node.exponent);
    }
  }
}

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
  const [aRe, aIm] = toNumber(a);
  const [bRe, bIm] = toNumber(b);
  return closeEnough(bRe, aRe, precision, true) && closeEnough(bIm, aIm, precision, true);
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
