/**
 * The fast path for elementary functions of real variables (`\cos(2t)`, `e^{-2x}`, `\sqrt{x+1}`):
 * the CAS's own last step — numeric evaluation at seeded points, Schwartz 1980
 * (doi:10.1145/322217.322225) — done on a tree compiled once per answer, without the CAS. Only
 * unambiguous forms compile (a function's argument is a bracketed group or one letter or number:
 * `\sin 2t` is left to the CAS); `e` is Euler's number, `\pi` is π; `i`, `\log` (whose base differs
 * between readers) and anything unknown compile to null. Pure.
 */

type Tree =
  | { kind: "number"; value: number }
  | { kind: "variable"; name: string }
  | { kind: "call"; name: string; argument: Tree }
  | { kind: "binary"; operator: "+" | "-" | "*" | "/" | "^"; left: Tree; right: Tree }
  | { kind: "negate"; operand: Tree };

const FUNCTIONS: Record<string, (x: number) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  sec: (x) => 1 / Math.cos(x),
  csc: (x) => 1 / Math.sin(x),
  cot: (x) => 1 / Math.tan(x),
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  exp: Math.exp,
  ln: Math.log,
  sqrt: Math.sqrt,
};
const TOKEN =
  /\s+|\\frac(?![a-zA-Z])|\\(?:cdot|times)(?![a-zA-Z])|\\[a-zA-Z]+(?:_(?:\{[a-zA-Z0-9]*\}|[a-zA-Z0-9]))?|\d+(?:\.\d+)?|\.\d+|[a-zA-Z](?:_(?:\{[a-zA-Z0-9]*\}|[a-zA-Z0-9]))?|[-+*/^(){}]/y;
const GREEK =
  /^\\(?:alpha|beta|gamma|delta|theta|lambda|mu|nu|rho|sigma|tau|phi|omega|zeta|eta|kappa|xi|psi|chi)(?:_|$)/;
const MAX_LENGTH = 400;

class FloatParser {
  private tokens: string[] = [];
  private position = 0;

  constructor(text: string) {
    const sticky = new RegExp(TOKEN.source, "y");
    for (let index = 0; index < text.length; index = sticky.lastIndex) {
      sticky.lastIndex = index;
      const match = sticky.exec(text);
      if (!match) throw new SyntaxError("unsupported");
      if (match[0].trim() !== "") this.tokens.push(match[0]);
    }
  }

  parseAll(): Tree {
    const tree = this.sum();
    if (this.position !== this.tokens.length) throw new SyntaxError("trailing tokens");
    return tree;
  }

  private next(): string | undefined {
    return this.tokens[this.position];
  }

  private take(token: string): void {
    if (this.tokens[this.position++] !== token) throw new SyntaxError(`expected ${token}`);
  }

  private sum(): Tree {
    let tree = this.next() === "-" || this.next() === "+" ? this.signed() : this.product();
    while (this.next() === "+" || this.next() === "-") {
      const operator = this.tokens[this.position++] as "+" | "-";
      tree = { kind: "binary", operator, left: tree, right: this.product() };
    }
    return tree;
  }

  private signed(): Tree {
    const negative = this.tokens[this.position++] === "-";
    const operand = this.product();
    return negative ? { kind: "negate", operand } : operand;
  }

  private product(): Tree {
    let tree = this.power();
    for (;;) {
      const token = this.next();
      if (token === "*" || token === "/" || token === "\\cdot" || token === "\\times") {
        this.position++;
        tree = { kind: "binary", operator: token === "/" ? "/" : "*", left: tree, right: this.power() };
      } else if (token !== undefined && !"+-)}^".includes(token)) {
        tree = { kind: "binary", operator: "*", left: tree, right: this.power() };
      } else return tree;
    }
  }

  private power(): Tree {
    const base = this.primary();
    if (this.next() !== "^") return base;
    this.position++;
    const exponent = this.next() === "{" ? this.group("{", "}") : this.primary();
    return { kind: "binary", operator: "^", left: base, right: exponent };
  }

  private group(open: string, close: string): Tree {
    this.take(open);
    const tree = this.sum();
    this.take(close);
    return tree;
  }

  private primary(): Tree {
    const token = this.next();
    if (token === undefined) throw new SyntaxError("unexpected end");
    if (token === "(" || token === "{") return this.group(token, token === "(" ? ")" : "}");
    this.position++;
    if (token === "\\frac") {
      const numerator = this.group("{", "}");
      return { kind: "binary", operator: "/", left: numerator, right: this.group("{", "}") };
    }
    if (/^[\d.]/.test(token)) return { kind: "number", value: Number(token) };
    if (token === "\\pi") return { kind: "number", value: Math.PI };
    if (token === "e") return { kind: "number", value: Math.E };
    if (token === "i") throw new SyntaxError("complex");
    if (/^[a-zA-Z]/.test(token) || GREEK.test(token))
      return { kind: "variable", name: token.replace(/[{}]/g, "") };
    const name = token.slice(1);
    if (!Object.hasOwn(FUNCTIONS, name)) throw new SyntaxError(`unsupported ${token}`);
    return this.call(name);
  }

  /** `\sin(x)`, `\sin{x}`, `\sin x`, `\sin^2(x)` = (sin x)²; `\sin 2t` is ambiguous and refused. */
  private call(name: string): Tree {
    let exponent: Tree | null = null;
    if (this.next() === "^" && name !== "sqrt") {
      this.position++;
      exponent = this.next() === "{" ? this.group("{", "}") : this.primary();
    }
    const token = this.next();
    let argument: Tree;
    if (token === "(" || token === "{") argument = this.group(token, token === "(" ? ")" : "}");
    else {
      argument = this.primary();
      const following = this.next();
      if (argument.kind === "number" && following !== undefined && /^[a-zA-Z\\]/.test(following))
        throw new SyntaxError("ambiguous argument");
    }
    const tree: Tree = { kind: "call", name, argument };
    return exponent ? { kind: "binary", operator: "^", left: tree, right: exponent } : tree;
  }
}

function evaluate(tree: Tree, point: Map<string, number>): number {
  switch (tree.kind) {
    case "number":
      return tree.value;
    case "variable":
      return point.get(tree.name) ?? Number.NaN;
    case "negate":
      return -evaluate(tree.operand, point);
    case "call":
      return FUNCTIONS[tree.name](evaluate(tree.argument, point));
    case "binary": {
      const left = evaluate(tree.left, point);
      const right = evaluate(tree.right, point);
      if (tree.operator === "+") return left + right;
      if (tree.operator === "-") return left - right;
      if (tree.operator === "*") return left * right;
      if (tree.operator === "/") return left / right;
      return left ** right;
    }
  }
}

function variablesOf(tree: Tree, into: Set<string>): Set<string> {
  if (tree.kind === "variable") into.add(tree.name);
  else if (tree.kind === "negate") variablesOf(tree.operand, into);
  else if (tree.kind === "call") variablesOf(tree.argument, into);
  else if (tree.kind === "binary") {
    variablesOf(tree.left, into);
    variablesOf(tree.right, into);
  }
  return into;
}

interface CompiledFloat {
  tree: Tree;
  variables: string[];
}

const CACHE_LIMIT = 5000;
const compiled = new Map<string, CompiledFloat | null>();

function compileFloat(latex: string): CompiledFloat | null {
  const cached = compiled.get(latex);
  if (cached !== undefined) return cached;
  let result: CompiledFloat | null = null;
  if (latex.length <= MAX_LENGTH) {
    try {
      const tree = new FloatParser(latex).parseAll();
      result = { tree, variables: [...variablesOf(tree, new Set())].sort() };
    } catch {
      result = null;
    }
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(latex, result);
  return result;
}

const POINT_COUNT = 6;
const REQUIRED_POINTS = 3;
/** Agreement required at each point: 10^-6 relative, floor 10^-12 (the CAS path's POINT_TOLERANCE). */
const RELATIVE = 1e-6;
const FLOOR = 1e-12;

/** Points in [0.3, 2.3): a fixed linear congruential sequence (seed 12345), as the CAS path uses. */
const POINTS = (() => {
  const values: number[] = [];
  let state = 12345;
  for (let index = 0; index < POINT_COUNT * 8; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values.push(0.3 + (2 * state) / 2147483648);
  }
  return values;
})();

/**
 * Equality of two functions of the same real variables at seeded points: false at the first point
 * where both are finite and differ, true when they agree at 3 or more such points; null when either
 * does not compile, they have no variables or different ones, or too few points are finite.
 */
export function floatEqual(gold: string, predicted: string): boolean | null {
  const first = compileFloat(gold);
  const second = compileFloat(predicted);
  if (!first || !second || first.variables.length === 0) return null;
  if (first.variables.join("\u0000") !== second.variables.join("\u0000")) return null;
  let agreeing = 0;
  for (let attempt = 0; attempt < POINT_COUNT; attempt++) {
    const point = new Map(
      first.variables.map((name, index) => [
        name,
        POINTS[(attempt * first.variables.length + index) % POINTS.length],
      ]),
    );
    const a = evaluate(first.tree, point);
    const b = evaluate(second.tree, point);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    if (Math.abs(a - b) > Math.max(FLOOR, RELATIVE * Math.max(Math.abs(a), Math.abs(b)))) return false;
    agreeing++;
  }
  return agreeing >= REQUIRED_POINTS ? true : null;
}
