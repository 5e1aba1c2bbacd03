/**
 * Answer extraction from free-form model output, gold solutions and plain strings. Pure.
 *
 * Rules, in priority order (the first that finds something wins; `ruleFired` names it):
 *  0. text inside `<think>…</think>` is ignored when text follows the last `</think>`;
 *  1. `boxed` — the last `\boxed{…}` / `\fbox{…}` / `\boxed 5`; consecutive boxes joined only by short
 *     connective text (`and`, `,`, `\quad`, a word or two) are combined into a list (`boxed_multiple`);
 *  2. `final_answer_phrase` — "final answer is …", "the answer is …", "Final Answer: …";
 *  3. `answer_colon` — "answer: …";
 *  4. `last_math` — the last `$…$`, `$$…$$`, `\(…\)` or `\[…\]` (needs match type `latex`);
 *  5. `whole_text` — the whole string when it is short and reads as math rather than prose;
 *  6. `multiple_choice` — a lone choice letter `(B)` at the end of prose;
 *  7. `last_number` — the last number in the text (needs match type `expr`);
 *  8. `short_text` — a bare word answer of at most three words (`Monday`).
 */

import { blankMathSpans, findMathSpans, type MathSpan } from "./math-spans.js";

export type MatchType = "latex" | "expr";
export interface ExtractOptions {
  matchTypes?: MatchType[];
}
export interface Extraction {
  answer: string | null;
  ruleFired: string | null;
}

const BOX_COMMANDS = ["\\boxed", "\\fbox"];
/** Longest connective text (after removing LaTeX spacing) allowed between boxes that form one answer. */
const MAX_CONNECTIVE_WORDS = 3;

interface Box {
  start: number;
  end: number;
  content: string;
}

/**
 * All outermost `\boxed{…}` / `\fbox{…}` / `\boxed 5` occurrences, in order, in one linear pass
 * (a stack of open boxes; unbalanced boxes are skipped, boxes nested in a closed box dropped).
 */
export function findBoxes(text: string): Box[] {
  const closed: Box[] = [];
  const open: { start: number; contentStart: number; depth: number }[] = [];
  let depth = 0;
  // Only depth relative to an open box matters, so the scan starts at the first box command.
  const starts = BOX_COMMANDS.map((command) => text.indexOf(command)).filter((start) => start >= 0);
  if (starts.length === 0) return [];
  for (let index = Math.min(...starts); index < text.length; index++) {
    const character = text[index];
    if (character === "\\") {
      const command = BOX_COMMANDS.find((name) => text.startsWith(name, index));
      if (!command) {
        if (text[index + 1] === "{" || text[index + 1] === "}") index++;
        continue;
      }
      let cursor = index + command.length;
      while (text[cursor] === " ") cursor++;
      if (text[cursor] === "{") {
        open.push({ start: index, contentStart: cursor + 1, depth });
        depth++;
      } else if (cursor > index + command.length) {
        const token = /^[^\s$]+/.exec(text.slice(cursor, cursor + 100));
        if (token) closed.push({ start: index, end: cursor + token[0].length, content: token[0] });
      }
      index = cursor;
      continue;
    }
    if (character === "{") depth++;
    else if (character === "}" && depth > 0) {
      depth--;
      while (open.length > 0 && open[open.length - 1].depth > depth) open.pop();
      const top = open[open.length - 1];
      if (top && top.depth === depth) {
        open.pop();
        closed.push({ start: top.start, end: index + 1, content: text.slice(top.contentStart, index) });
      }
    }
  }
  closed.sort((first, second) => first.start - second.start);
  const outermost: Box[] = [];
  for (const box of closed) {
    const last = outermost[outermost.length - 1];
    if (!last || box.start >= last.end) outermost.push(box);
  }
  return outermost;
}

function isConnective(between: string): boolean {
  const cleaned = between
    .replace(/\\(?:quad|qquad|text|textbf|mathrm|,|;|!| )/g, " ")
    .replace(/[{}$,;.:()\\[\]]/g, " ")
    .trim();
  if (cleaned === "") return true;
  // Words between two answers must include a conjunction: `\boxed{5}, so \boxed{10}` means 10.
  if (!/\b(?:and|or)\b/i.test(cleaned)) return false;
  return cleaned.split(/\s+/).length <= MAX_CONNECTIVE_WORDS && cleaned.length <= 30;
}

function extractBoxed(text: string): Extraction | null {
  const boxes = findBoxes(text).filter((box) => box.content.trim() !== "");
  if (boxes.length === 0) return null;
  const chosen = [boxes[boxes.length - 1]];
  for (let index = boxes.length - 2; index >= 0; index--) {
    const between = text.slice(boxes[index].end, chosen[0].start);
    if (!isConnective(between)) break;
    chosen.unshift(boxes[index]);
  }
  const distinct = [...new Set(chosen.map((box) => box.content.trim()))];
  if (distinct.length === 1) return { answer: distinct[0], ruleFired: "boxed" };
  return { answer: distinct.join(", "), ruleFired: "boxed_multiple" };
}

/** Drops reasoning inside `<think>…</think>` when an answer part follows it. */
function stripThinking(text: string): string {
  for (const marker of THINKING_CLOSERS) {
    const close = text.lastIndexOf(marker);
    if (close < 0) continue;
    const after = text.slice(close + marker.length);
    if (after.trim() !== "") return after;
  }
  return text;
}

/** Where a reasoning section ends: `</think>` (R1-style), `<|end_of_thought|>` (Sky-T1 / OpenThoughts). */
const THINKING_CLOSERS = ["</think>", "<|end_of_thought|>"];

/**
 * A base model prompted few-shot often goes on to write the next problem and its answer: the
 * response ends where a new question or turn begins (`\n\nQuestion:`, `\n\nProblem:`, `Q:`, `User:`).
 */
const NEXT_PROMPT =
  /\n\s*\n\s*(?:Question|Problem|Q|Human|User)\s*\d*\s*:|<\|(?:im_start|endoftext|eot_id)\|>/;

function stripContinuation(text: string): string {
  const next = NEXT_PROMPT.exec(text);
  return next && next.index > 0 && text.slice(0, next.index).trim() !== "" ? text.slice(0, next.index) : text;
}

const PHRASE_PATTERNS: [string, RegExp][] = [
  ["final_answer_phrase", /(?:final answer(?: is)?|the answer is|answer is)\s*:?\s*/gi],
  ["answer_colon", /answer\s*:\s*/gi],
  // GSM8K-style closing lines: `#### 18`, `A: 18`.
  ["answer_colon", /(?:^|\n)[ \t]*(?:####|A:)[ \t]*/g],
];

/**
 * The answer text after a phrase: a box, else the sentence itself when it reads as math, else the
 * later of its last math span and its last number outside math (`… of $f(x)$ is 19.` → 19).
 */
function phraseTail(tail: string, matchTypes: MatchType[]): string | null {
  const boxed = extractBoxed(tail);
  if (boxed) return boxed.answer;
  const sentence = tail
    .replace(/^[\s*_:]+/, "") // markdown emphasis around the answer: `**Answer:** 6`, `is **73**.`
    .split(/\n|\.\s|I hope|<\|/)[0]
    .replace(/[.\s*_]+$/, "")
    .trim();
  if (sentence === "") return null;
  const onlyMath = /^\$+([^$]+)\$+$/.exec(sentence);
  if (onlyMath) return onlyMath[1].trim();
  if (looksLikeMath(sentence)) return sentence;
  const math = matchTypes.includes("latex") ? lastMathSpan(sentence) : null;
  const number = lastProseNumber(sentence);
  if (number && (!math || number.index > math.end)) return number.answer;
  return math ? math.content : sentence;
}

function extractPhrase(text: string, matchTypes: MatchType[]): Extraction | null {
  for (const [rule, pattern] of PHRASE_PATTERNS) {
    const matches = [...text.matchAll(pattern)];
    if (matches.length === 0) continue;
    const last = matches[matches.length - 1];
    const answer = phraseTail(text.slice((last.index ?? 0) + last[0].length), matchTypes);
    if (answer) return { answer, ruleFired: rule };
  }
  return null;
}

/**
 * The last inline/display math span; spans joined only by connective text (`$1$ and $2$`,
 * `$21,16$ or $11$`) are combined into one list.
 */
export function lastMathSpan(text: string, spans: MathSpan[] = findMathSpans(text)): MathSpan | null {
  if (spans.length === 0) return null;
  const chosen = [spans[spans.length - 1]];
  for (let index = spans.length - 2; index >= 0; index--) {
    const between = text.slice(spans[index].end, chosen[0].start);
    // `$\frac{1}{2}$ (or $0.5$)` restates one answer; `$1$ and $2$` lists two.
    if (!/\b(?:and|or)\b/.test(between) || between.includes("(") || !isConnective(between)) break;
    chosen.unshift(spans[index]);
  }
  const last = chosen[chosen.length - 1];
  return { start: chosen[0].start, end: last.end, content: chosen.map((span) => span.content).join(", ") };
}

/** Words outside LaTeX commands that are allowed in a "whole text" answer (units, connectives). */
const ALLOWED_WORDS = /^(?:and|or|pct|percent|degrees?|cm|mm|km|m|inches|feet|units?|sq|dollars?|cents?)$/i;

function looksLikeMath(text: string): boolean {
  if (text.length > 5000 || text.includes("\n\n")) return false;
  const outsideText = text
    .replace(/\\(?:text|mbox|textbf|mathrm|textnormal|operatorname)\{[^{}]*\}/g, " ")
    .replace(/\\(?:begin|end)\{[a-zA-Z*]+\}/g, " ");
  const words = outsideText.replace(/\\[a-zA-Z]+/g, " ").match(/[a-zA-Z]{3,}/g) ?? [];
  return words.every((word) => ALLOWED_WORDS.test(word));
}

/** A number in prose, never one inside a word (`Ann7Bob7xyz` holds none). */
const NUMBER_PATTERN: RegExp =
  /(?<![A-Za-z\d])-?(?:\d+\/\d+(?![\d/])|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?!\d)|\d+(?:[.,]\d+)?|\.\d+)(?:\s?\\?%)?/g;

/** A number from prose: thousands separators removed, a decimal comma read as a point (`2,74`, `0,111`). */
function readNumber(number: string): string {
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(number) && !/^-?0,/.test(number))
    number = number.replace(/,/g, "");
  return number.replace(/ /g, "").replace(",", ".").replace(/\\?%$/, "\\%");
}

/** The last number outside math spans, with its position. */
function lastProseNumber(text: string): { index: number; answer: string } | null {
  const prose = blankMathSpans(text);
  const numbers = [...prose.matchAll(NUMBER_PATTERN)];
  if (numbers.length === 0) return null;
  const last = numbers[numbers.length - 1];
  return { index: last.index ?? 0, answer: readNumber(last[0]) };
}

const CHOICE_PATTERN = /(?:^|[\s(])\(?([A-E])\)(?=[\s.]*$)/;

export function extractAnswer(text: string, options: ExtractOptions = {}): Extraction {
  if (typeof text !== "string") throw new TypeError("extractAnswer: text must be a string");
  const matchTypes = options.matchTypes ?? ["latex", "expr"];
  // An escaped dollar is currency, not a math delimiter.
  const body = stripContinuation(stripThinking(text)).replace(/\\\$/g, "").trim();
  if (body === "") return { answer: null, ruleFired: null };
  const boxed = extractBoxed(body);
  if (boxed) return boxed;
  const phrase = extractPhrase(body, matchTypes);
  if (phrase) return phrase;
  // A response cut off mid-derivation has committed to nothing, whatever numbers it holds.
  if (isTruncated(body)) return { answer: null, ruleFired: "truncated" };
  const number = matchTypes.includes("expr") ? lastProseNumber(body) : null;
  if (matchTypes.includes("latex")) {
    // The later of the last math span and the last number in prose (`… increases by 100%.`).
    const math = lastMathSpan(body);
    if (math && !(number && number.index > math.end)) return { answer: math.content, ruleFired: "last_math" };
  }
  if (looksLikeMath(body)) {
    // `1,22` is a decimal comma when only plain numbers are expected, or when it cannot be a list (`0,111`, `1000,99`).
    const decimalComma =
      /^-?\d+,\d+$/.test(body) && (!matchTypes.includes("latex") || /^-?(?:0|\d{4,}),/.test(body));
    const number = decimalComma ? readNumber(body) : body;
    return { answer: number, ruleFired: "whole_text" };
  }
  const choice = CHOICE_PATTERN.exec(body);
  if (choice) return { answer: choice[1], ruleFired: "multiple_choice" };
  if (number) return { answer: number.answer, ruleFired: "last_number" };
  if (isShortText(body)) return { answer: body, ruleFired: "short_text" };
  return { answer: null, ruleFired: null };
}

/** Words after which a sentence cannot end. */
const DANGLING_WORD =
  /\b(?:the|a|an|of|to|and|or|is|are|be|by|with|for|that|then|so|we|get|gives|at|from|as|in|on)$/i;
/** Characters and commands after which an expression cannot end. */
const DANGLING_TOKEN = /(?:[=+\-*/^_,(]|\\[a-zA-Z]+|(?<!\\)\\)$/;

/**
 * Whether a response (not a bare answer: several lines or 200+ characters) stops before it
 * finishes: inside a display-math block or a brace group, or after a word or operator that must be
 * followed by more.
 */
export function isTruncated(text: string): boolean {
  if (text.length < 200 && !text.includes("\n")) return false;
  const end = text.slice(-600);
  if (end.lastIndexOf("\\[") > end.lastIndexOf("\\]")) return true;
  if ((end.match(/\$\$/g)?.length ?? 0) % 2 === 1 && text.split("$$").length % 2 === 0) return true;
  const lastLine = end.slice(end.lastIndexOf("\n") + 1);
  if (lastLine.lastIndexOf("\\(") > lastLine.lastIndexOf("\\)")) return true;
  const unescaped = lastLine.replace(/\\[{}]/g, "");
  const braces = (unescaped.match(/\{/g)?.length ?? 0) - (unescaped.match(/\}/g)?.length ?? 0);
  if (braces > 0) return true;
  const tail = text.trimEnd();
  return DANGLING_TOKEN.test(tail) || DANGLING_WORD.test(tail);
}

/** A word answer given bare (`Monday`, `Evelyn`): one line, at most three words. */
function isShortText(text: string): boolean {
  return text.length <= 50 && !text.includes("\n") && text.split(/\s+/).length <= 3;
}
