/**
 * Reads a normalized answer into a structured value: lists, sets, tuples, intervals and unions,
 * matrices, relations, or a scalar expression left for the exact path or the CAS. Pure.
 */
import { isWrapped, splitTopLevel, topLevelMatches } from "./latex-scan.js";

export type RelationOperator = "=" | "<" | "\\le" | ">" | "\\ge" | "\\ne" | "\\in";

export type AnswerValue =
  | { kind: "scalar"; latex: string }
  /** A top-level comma list (`bare`) or a `\{…\}` set: compared unordered. */
  | { kind: "set"; items: AnswerValue[]; bare?: boolean }
  /** `(a, b, …)` or `[a, b, c]`: ordered. A pair `(a, b)` also matches the open interval (a, b). */
  | { kind: "tuple"; items: AnswerValue[] }
  | { kind: "interval"; lower: AnswerValue; upper: AnswerValue; lowerClosed: boolean; upperClosed: boolean }
  | { kind: "union"; parts: AnswerValue[] }
  | { kind: "matrix"; rows: AnswerValue[][] }
  /** `chain`: an `=` chain `x+y+z = 4+5+6 = 15`, which reads as its last member. */
  | { kind: "relation"; left: string; operator: RelationOperator; right: string; chain?: boolean };

const RELATION_PATTERN = /\\approx|\\ne(?![a-zA-Z])|\\le(?![a-zA-Z])|\\ge(?![a-zA-Z])|\\in(?![a-zA-Z])|=|<|>/;

/** A side of a relation that names something (`x`, `f(x)`, `y_{1}`, `(p,q)`, `A:B`, `\frac{NO}{BO}`). */
export function isLabel(side: string): boolean {
  // A named quantity may be squared or cubed: `AB^2 = 52` names AB².
  const withoutSubscripts = side.replace(/_\{[^{}]*\}|_\w/g, "").replace(/\^\s*\{?\d\}?\s*$/, "");
  if (withoutSubscripts.trim() === "" || /\d|\\infty|\\pi/.test(withoutSubscripts)) return false;
  if (/[+\-*^]|\\cdot|\\times|\\sqrt/.test(withoutSubscripts)) return false;
  return /[a-zA-Z]/.test(withoutSubscripts);
}

function matrixRows(body: string): string[][] {
  const rows = body
    .split(/\\\\/)
    .map((row) => row.trim())
    .filter((row) => row !== "");
  return rows.map((row) => row.split("&").map((cell) => cell.trim()));
}

const MATRIX_PATTERN = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?([\s\S]*)\\end\{\1\}$/;

/** Between two matrices of a written-out sum: `\end{pmatrix} + \begin{pmatrix}`. */
const MATRIX_SUM_SIGN = /(?<=\\end\{[pbvBV]?matrix\})\s*([+-])\s*(?=\\begin\{[pbvBV]?matrix\})/;

/** A sum of matrices of one shape written out (`A + B - C`), as the matrix of its entrywise sums. */
function parseMatrixSum(text: string): AnswerValue | null {
  const pieces = text.split(MATRIX_SUM_SIGN);
  if (pieces.length < 3) return null;
  const matrices = pieces
    .filter((_, index) => index % 2 === 0)
    .map((piece) => MATRIX_PATTERN.exec(piece.trim()));
  if (matrices.some((match) => !match)) return null;
  const cells = matrices.map((match) => matrixRows(match![2]));
  const shape = (rows: string[][]) => rows.map((row) => row.length).join();
  if (cells.some((rows) => shape(rows) !== shape(cells[0]))) return null;
  const rows = cells[0].map((row, r) =>
    row.map((_, c) =>
      parseAnswerValue(
        cells.map((matrix, m) => `${m > 0 ? pieces[2 * m - 1] : ""}(${matrix[r][c]})`).join(""),
      ),
    ),
  );
  return { kind: "matrix", rows };
}

function parseMatrix(text: string): AnswerValue | null {
  const sum = parseMatrixSum(text);
  if (sum) return sum;
  const inner = text.replace(/^[[(]\s*(\\begin[\s\S]*\\end\{[a-zA-Z]+\})\s*[\])]$/, "$1");
  const match = MATRIX_PATTERN.exec(inner);
  if (!match) return null;
  return { kind: "matrix", rows: matrixRows(match[2]).map((row) => row.map(parseAnswerValue)) };
}

/** `a < x < b`, `b > x > a` with a labelled middle → the interval (a, b); else null. */
function chainToInterval(parts: string[], operators: string[]): AnswerValue | null {
  if (parts.length !== 3 || !isLabel(parts[1])) return null;
  const ascending = operators.every((operator) => operator === "<" || operator === "\\le");
  const descending = operators.every((operator) => operator === ">" || operator === "\\ge");
  if (!ascending && !descending) return null;
  const [lower, upper] = ascending ? [parts[0], parts[2]] : [parts[2], parts[0]];
  const [lowerOperator, upperOperator] = ascending ? operators : [operators[1], operators[0]];
  return {
    kind: "interval",
    lower: parseAnswerValue(lower),
    upper: parseAnswerValue(upper),
    lowerClosed: lowerOperator.includes("e"),
    upperClosed: upperOperator.includes("e"),
  };
}

function parseRelation(text: string): AnswerValue | null {
  const found = topLevelMatches(text, RELATION_PATTERN);
  if (found.length === 0) return null;
  const parts: string[] = [];
  const operators: string[] = [];
  let start = 0;
  for (const { index, match } of found) {
    parts.push(text.slice(start, index).trim());
    operators.push(match);
    start = index + match.length;
  }
  parts.push(text.slice(start).trim());
  // `x = 1/3 \approx 0.33`: what follows an approximation is a rounding, not the answer.
  const approximation = operators.indexOf("\\approx");
  // `x \approx 0.33` names a rounded value; `\frac{1}{6} \approx 0.167` is the exact value, rounded after.
  if (approximation === 0 && !isLabel(parts[0])) return parseAnswerValue(parts[0]);
  if (approximation === 0) operators[0] = "=";
  else if (approximation > 0)
    return parseRelationParts(parts.slice(0, approximation + 1), operators.slice(0, approximation));
  return parseRelationParts(parts, operators);
}

function parseRelationParts(parts: string[], operators: string[]): AnswerValue | null {
  if (parts.some((part) => part === "")) return null;
  const interval = chainToInterval(parts, operators);
  if (interval) return interval;
  if (operators.length === 1)
    return { kind: "relation", left: parts[0], operator: operators[0] as RelationOperator, right: parts[1] };
  if (operators.every((operator) => operator === "=")) {
    // A chain `z = 1 + 1 = 2` states its result last; keep the named left side when there is one.
    // A chain whose first member is an expression (`x+y+z = 4+5+6 = 15`) reads as its last member.
    if (!isLabel(parts[0]))
      return { kind: "relation", left: parts[0], operator: "=", right: parts[parts.length - 1], chain: true };
    return { kind: "relation", left: parts[0], operator: "=", right: parts[parts.length - 1] };
  }
  return null;
}

const INTERVAL_BRACKETS: [string, string, boolean, boolean][] = [
  ["[", "]", true, true],
  ["[", ")", true, false],
  ["(", "]", false, true],
  ["(", ")", false, false],
];

/** `x ≥ 5` as the interval [5, ∞); null for anything but one inequality on a named variable. */
export function relationAsInterval(value: AnswerValue): AnswerValue | null {
  if (
    value.kind !== "relation" ||
    !isLabel(value.left) ||
    value.operator === "=" ||
    value.operator === "\\in"
  )
    return null;
  const bound = parseAnswerValue(value.right);
  const infinity = (sign: string): AnswerValue => ({ kind: "scalar", latex: `${sign}\\infty` });
  const closed = value.operator === "\\le" || value.operator === "\\ge";
  if (value.operator === "<" || value.operator === "\\le")
    return { kind: "interval", lower: infinity("-"), upper: bound, lowerClosed: false, upperClosed: closed };
  if (value.operator === ">" || value.operator === "\\ge")
    return { kind: "interval", lower: bound, upper: infinity(""), lowerClosed: closed, upperClosed: false };
  return null;
}

/** Set-builder notation `\{x \mid x > 0\}` (also `|`, `:`) as the interval its condition describes. */
function parseSetBuilder(inner: string): AnswerValue | null {
  for (const separator of ["\\mid", "|", ":"]) {
    const parts = splitTopLevel(inner, separator);
    if (parts.length !== 2 || !isLabel(parts[0])) continue;
    const condition = parseAnswerValue(parts[1]);
    if (condition.kind === "interval") return condition;
    return relationAsInterval(condition);
  }
  return null;
}

function parseBracketed(text: string): AnswerValue | null {
  if (isWrapped(text, "\\{", "\\}") || (isWrapped(text, "{", "}") && text.includes(","))) {
    const inner = text.startsWith("\\{") ? text.slice(2, -2) : text.slice(1, -1);
    return parseSetBuilder(inner) ?? { kind: "set", items: splitItems(inner) };
  }
  for (const [open, close, lowerClosed, upperClosed] of INTERVAL_BRACKETS) {
    if (!isWrapped(text, open, close)) continue;
    const inner = text.slice(1, -1);
    let items = splitTopLevel(inner, ",");
    if (items.length === 1) items = splitTopLevel(inner, ";");
    if (items.some((item) => item === "")) return null;
    if (items.length === 2) {
      if (open === "(" && close === ")") return { kind: "tuple", items: items.map(parseAnswerValue) };
      const [lower, upper] = items.map(parseAnswerValue);
      return { kind: "interval", lower, upper, lowerClosed, upperClosed };
    }
    if (items.length > 2 && lowerClosed === upperClosed) {
      return { kind: "tuple", items: items.map(parseAnswerValue) };
    }
    if (items.length === 1 && open === "(" && close === ")") return parseAnswerValue(items[0]);
  }
  return null;
}

function splitItems(text: string): AnswerValue[] {
  return splitTopLevel(text, ",")
    .filter((item) => item !== "")
    .flatMap((item) => expandPlusMinus(parseAnswerValue(item)));
}

/** `a \pm b` → the two values a + b and a − b (as list items). */
function expandPlusMinus(value: AnswerValue): AnswerValue[] {
  if (
    value.kind === "relation" &&
    value.operator === "=" &&
    value.right.includes("\\pm") &&
    isLabel(value.left)
  ) {
    return expandPlusMinus(parseAnswerValue(value.right));
  }
  if (value.kind !== "scalar" || !value.latex.includes("\\pm")) return [value];
  return [
    { kind: "scalar", latex: value.latex.replace(/\\pm/g, "+") },
    { kind: "scalar", latex: value.latex.replace(/\\pm/g, "-") },
  ];
}

/** Reads a normalized answer. Never throws; anything unrecognised is a scalar for the CAS. */
export function parseAnswerValue(text: string): AnswerValue {
  text = text.trim();
  const groups = splitTopLevel(text, ";").filter((group) => group !== "");
  if (groups.length > 1) return { kind: "set", items: groups.map(parseGroup) };
  const items = splitTopLevel(text, ",").filter((item) => item !== "");
  if (items.length > 1) return { kind: "set", items: splitItems(text), bare: true };
  const unionParts = splitTopLevel(text, "\\cup");
  if (unionParts.length > 1) return unionValue(unionParts.map(parseAnswerValue));
  const value = parseMatrix(text) ?? parseBracketed(text) ?? parseRelation(text);
  if (value) return value;
  const expanded = expandPlusMinus({ kind: "scalar", latex: text });
  return expanded.length === 1 ? expanded[0] : { kind: "set", items: expanded };
}

/** A union of finite sets is their set (`\{1\} \cup \{2\}` = `\{1, 2\}`); otherwise a union of parts. */
function unionValue(parts: AnswerValue[]): AnswerValue {
  if (parts.every((part) => part.kind === "set" || part.kind === "scalar"))
    return { kind: "set", items: parts.flatMap((part) => (part.kind === "set" ? part.items : [part])) };
  return { kind: "union", parts };
}

/** A `;`-separated group like `p=5,q=2` is one solution: the tuple of its assigned values. */
function parseGroup(group: string): AnswerValue {
  const items = splitTopLevel(group, ",").map(parseAnswerValue);
  if (items.length > 1 && items.every((item) => item.kind === "relation" && isLabel(item.left))) {
    return { kind: "tuple", items: items.map((item) => parseAnswerValue((item as { right: string }).right)) };
  }
  return items.length === 1 ? items[0] : { kind: "set", items };
}
