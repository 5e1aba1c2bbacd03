/**
 * The expression tree of the rational-function fast path (`rational-eval.ts`): a parser of
 * normalized LaTeX into + − × ÷ and integer powers over Q(i), and its exact evaluation. Pure.
 */
import { type Complex, complex, divide, isZero, multiply, power, sum } from "./gaussian-rational.js";

export type Node =
  | { kind: "number"; value: Complex }
  | { kind: "variable"; name: string }
  | { kind: "sum"; terms: Node[]; negated: boolean[] }
  | { kind: "product"; factors: Node[]; inverted: boolean[] }
  | { kind: "power"; base: Node; exponent: number };

const MAX_EXPONENT = 64;
const MAX_DEGREE = 256;
const GREEK =
  /^\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|kappa|lambda|mu|nu|xi|rho|sigma|tau|phi|varphi|chi|psi|omega|pi|Gamma|Delta|Theta|Lambda|Sigma|Phi|Psi|Omega)(?![a-zA-Z])/;
const TOKEN =
  /\s+|\\frac(?![a-zA-Z])|\\(?:cdot|times|div)(?![a-zA-Z])|\d+(?:\.\d+)?|\.\d+|[a-zA-Z](?:'+)?(?:_(?:\{[^{}]*\}|[a-zA-Z0-9]))?|\\[a-zA-Z]+(?:_(?:\{[^{}]*\}|[a-zA-Z0-9]))?|[-+*/^(){}]/y;

export class Parser {
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
      return { kind: "variable", name: token.replace(/[\s{}]/g, "") };
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

export function collectVariables(node: Node, into: Set<string>): Set<string> {
  if (node.kind === "variable") into.add(node.name);
  else if (node.kind === "sum") for (const term of node.terms) collectVariables(term, into);
  else if (node.kind === "product") for (const factor of node.factors) collectVariables(factor, into);
  else if (node.kind === "power") collectVariables(node.base, into);
  return into;
}

/** The value at `point` (every variable assigned), or null on a division by zero. */
export function evaluate(node: Node, point: Map<string, Complex>): Complex | null {
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
