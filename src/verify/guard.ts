/**
 * Cheap refusal of inputs that would make the CAS run away (the pool's time limit is the real
 * bound; this keeps most pathological inputs fast on the synchronous path too). A refused scalar is
 * compared as text only, so identical strings still match and anything else does not.
 */
import { nestingDepth } from "./latex-scan.js";

/** Longest scalar handed to the CAS, in characters. */
export const MAX_CAS_LENGTH = 400;
/** Deepest bracket nesting handed to the CAS. */
export const MAX_CAS_DEPTH = 12;

/** Why `latex` must not reach the CAS, or null when it is safe. */
export function casRefusal(latex: string): string | null {
  if (latex.length > MAX_CAS_LENGTH) return "too long";
  if (/[\u0000-\u0008\u000b-\u001f]/.test(latex)) return "control characters";
  if (nestingDepth(latex) > MAX_CAS_DEPTH) return "nesting too deep";
  // Factorials of numbers with 4+ digits (`2004!`) or of any bracketed expression.
  if (/\d{4,}\s*!|[)}]\s*!|!\s*!/.test(latex)) return "large factorial";
  // Power towers (`10^{10^{10}}`) and huge exponents (`2^{100000}`).
  if (/\^\s*\{[^{}]*\^/.test(latex) || /\^\s*\{?\s*-?\d{5,}/.test(latex)) return "huge power";
  // Symbolic powers of degree 100+ (`(x+1)^{999}`): simplification would expand them.
  if (/\^\s*\{?\s*-?\d{3,}/.test(latex) && /[a-zA-Z]/.test(latex.replace(/\\[a-zA-Z]+/g, "")))
    return "huge symbolic power";
  if (/\\(?:sum|prod|int|lim|iint|oint)/.test(latex) && /\d{5,}|\\infty/.test(latex))
    return "unbounded operator";
  if (/(?:\d{200,})/.test(latex)) return "huge number";
  return null;
}
