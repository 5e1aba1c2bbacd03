/**
 * Math spans of prose — `$$…$$`, `\[…\]`, `\(…\)` (one line), `$…$` (one line) — found in one
 * linear pass. A regular expression with lazy bodies is quadratic on inputs with many openers and
 * no closer (`\[\[\[…`); here an opener whose closer is missing disables that delimiter for the rest
 * of the text (or of the line, for one-line delimiters).
 */

export interface MathSpan {
  /** Index of the opening delimiter. */
  start: number;
  /** Index just past the closing delimiter. */
  end: number;
  /** The trimmed text between the delimiters. */
  content: string;
}

interface Delimiter {
  open: string;
  close: string;
  oneLine: boolean;
}

/** In priority order at one position: `$$` before `$`. */
const DELIMITERS: Delimiter[] = [
  { open: "$$", close: "$$", oneLine: false },
  { open: "\\[", close: "\\]", oneLine: false },
  { open: "\\(", close: "\\)", oneLine: true },
  { open: "$", close: "$", oneLine: true },
];

/** Where the closer of `delimiter` opened at `index` is, or -1; `blockedUntil` remembers failures. */
function findCloser(
  text: string,
  delimiter: Delimiter,
  index: number,
  blockedUntil: Map<Delimiter, number>,
): number {
  const contentStart = index + delimiter.open.length;
  if (!delimiter.oneLine) {
    const closer = text.indexOf(delimiter.close, contentStart + 1);
    if (closer < 0) blockedUntil.set(delimiter, text.length);
    return closer;
  }
  const lineEnd = indexOrEnd(text, "\n", contentStart);
  // Searching only the rest of the line keeps the pass linear on many unclosed openers.
  const inLine = text.slice(contentStart + 1, lineEnd).indexOf(delimiter.close);
  if (inLine < 0) {
    blockedUntil.set(delimiter, lineEnd);
    return -1;
  }
  const closer = contentStart + 1 + inLine;
  if (delimiter.close === "$" && text[contentStart] === "$") return -1;
  return closer;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found < 0 ? text.length : found;
}

/** The span opened at `index` (its content may be blank), or null when none opens there or it does not close. */
function spanAt(text: string, index: number, blockedUntil: Map<Delimiter, number>): MathSpan | null {
  for (const delimiter of DELIMITERS) {
    if (!text.startsWith(delimiter.open, index) || (blockedUntil.get(delimiter) ?? -1) > index) continue;
    const closer = findCloser(text, delimiter, index, blockedUntil);
    if (closer < 0) continue;
    const content = text.slice(index + delimiter.open.length, closer).trim();
    return { start: index, end: closer + delimiter.close.length, content };
  }
  return null;
}

/** All math spans with non-empty content, in order. */
export function findMathSpans(text: string): MathSpan[] {
  const spans: MathSpan[] = [];
  const blockedUntil = new Map<Delimiter, number>();
  let index = 0;
  while (index < text.length) {
    const character = text[index];
    const span = character === "$" || character === "\\" ? spanAt(text, index, blockedUntil) : null;
    if (span) {
      if (span.content !== "") spans.push(span);
      index = span.end;
    } else index += character === "\\" ? 2 : 1;
  }
  return spans;
}

/** `text` with every math span replaced by spaces of the same length (positions are kept). */
export function blankMathSpans(text: string, spans: MathSpan[] = findMathSpans(text)): string {
  let result = "";
  let cursor = 0;
  for (const span of spans) {
    result += text.slice(cursor, span.start) + " ".repeat(span.end - span.start);
    cursor = span.end;
  }
  return result + text.slice(cursor);
}
