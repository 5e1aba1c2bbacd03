/** Brace-aware scanning of LaTeX strings: matching groups, top-level splits, nesting depth. Pure. */

const OPENERS = "{([";
const CLOSERS = "})]";

/**
 * Depth of `{`, `(`, `[` nesting (and `\{`…`\}`, `\begin`…`\end`) at each character is tracked while
 * scanning; `onTopLevel(index)` is called for every character at depth 0. Unbalanced closers are ignored,
 * so half-open intervals like `[0,1)` still scan as one group.
 */
function scanTopLevel(text: string, onTopLevel: (index: number) => boolean | undefined): void {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === "\\") {
      const rest = text.slice(index + 1, index + 7);
      if (rest.startsWith("{") || rest.startsWith("begin")) depth++;
      else if ((rest.startsWith("}") || rest.startsWith("end")) && depth > 0) depth--;
      if (depth === 0 && onTopLevel(index)) return;
      index += rest.startsWith("{") || rest.startsWith("}") ? 1 : 0;
      continue;
    }
    if (OPENERS.includes(character)) depth++;
    else if (CLOSERS.includes(character) && depth > 0) {
      depth--;
      continue;
    }
    if (depth === 0 && onTopLevel(index)) return;
  }
}

/** Splits `text` at top-level occurrences of `separator` (a literal string). Parts are trimmed. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scanTopLevel(text, (index) => {
    if (text.startsWith(separator, index)) {
      parts.push(text.slice(start, index));
      start = index + separator.length;
    }
    return false;
  });
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

/** Whether `pattern` (a regex, sticky-tested at each position) matches somewhere at top level. */
export function topLevelMatches(text: string, pattern: RegExp): { index: number; match: string }[] {
  const sticky = new RegExp(pattern.source, "y");
  const found: { index: number; match: string }[] = [];
  let skipUntil = -1;
  scanTopLevel(text, (index) => {
    if (index < skipUntil) return false;
    sticky.lastIndex = index;
    const match = sticky.exec(text);
    if (match) {
      found.push({ index, match: match[0] });
      skipUntil = index + match[0].length;
    }
    return false;
  });
  return found;
}

/** Maximum nesting depth of brackets of any kind. Used to refuse pathological inputs before the CAS. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (const character of text) {
    if (OPENERS.includes(character)) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (CLOSERS.includes(character) && depth > 0) depth--;
  }
  return deepest;
}

/** True when `text` is `open`…`close` with the opener matched by the final closer (e.g. `(1,2)` not `(1)(2)`). */
export function isWrapped(text: string, open: string, close: string): boolean {
  if (!text.startsWith(open) || !text.endsWith(close) || text.length < open.length + close.length)
    return false;
  const inner = text.slice(open.length, text.length - close.length);
  let depth = 0;
  for (let index = 0; index < inner.length; index++) {
    const character = inner[index];
    if (character === "\\") {
      index++;
      continue;
    }
    if (OPENERS.includes(character)) depth++;
    else if (CLOSERS.includes(character)) {
      depth--;
      if (depth < 0) return false;
    }
  }
  return depth === 0;
}
