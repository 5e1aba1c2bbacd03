/**
 * Normalization of an extracted answer before parsing. Pure, string to string; each step is one
 * regular rewrite, listed in order in `docs/verifier.md`.
 */
import { splitTopLevel } from "./latex-scan.js";
import { stripUnit } from "./units.js";

/** `\text{…}`-like commands whose braces are unwrapped or, for trailing units, dropped. */
const TEXT_COMMANDS = "text|mbox|textnormal|textrm|textit|textbf|mathrm|mathbf|mathit|textup|operatorname";

const UNICODE: [RegExp, string][] = [
  [/[−–—]/g, "-"],
  [/×/g, "\\times "],
  [/[·⋅]/g, "\\cdot "],
  [/÷/g, "\\div "],
  [/∞/g, "\\infty "],
  [/≤/g, "\\le "],
  [/≥/g, "\\ge "],
  [/≠/g, "\\ne "],
  [/π/g, "\\pi "],
  [/√/g, "\\sqrt "],
  [/∪/g, "\\cup "],
  [/±/g, "\\pm "],
  [/²/g, "^2"],
  [/³/g, "^3"],
  [/°/g, "^{\\circ}"],
];

/** Connectives inside \text become list separators: `6 \text{ and } 8` → `6 , 8`. */
const TEXT_CONNECTIVE = new RegExp(`\\\\(?:${TEXT_COMMANDS})\\{\\s*(?:and|or|,)\\s*\\}`, "g");
const TEXT_WRAPPER = new RegExp(`\\\\(?:${TEXT_COMMANDS})\\{([^{}]*)\\}`, "g");

/** The unit after each top-level item's quantity dropped (`units.ts`): `5 \text{ cm}, 6 \text{ cm}` → `5, 6`. */
function stripUnits(text: string): string {
  const whole = removeThousandsSeparators(stripUnit(text));
  if (!whole.includes(",")) return whole;
  return splitTopLevel(whole, ",").map(stripUnit).join(", ");
}

function unwrapTextCommands(text: string): string {
  if (!text.includes("\\")) return text;
  let previous = "";
  while (previous !== text) {
    previous = text;
    text = text.replace(TEXT_CONNECTIVE, ",").replace(TEXT_WRAPPER, "$1");
  }
  return text;
}

/** `\frac12` → `\frac{1}{2}`, `\frac3{3}` → `\frac{3}{3}`, `\sqrt2` → `\sqrt{2}`. */
function expandShorthand(text: string): string {
  return text
    .replace(/\\frac\s*(\d)\s*(\d)/g, "\\frac{$1}{$2}")
    .replace(/\\frac\s*(\d)\s*\{/g, "\\frac{$1}{")
    .replace(/\\frac\s*\{([^{}]*)\}\s*(\d)/g, "\\frac{$1}{$2}")
    .replace(/\\sqrt\s*(\d+|[a-zA-Z])(?![\w{])/g, "\\sqrt{$1}")
    .replace(/\\sqrt\s*(\\[a-zA-Z]+)/g, "\\sqrt{$1}");
}

/** Removes digit-group separators: `10{,}000`, `11,\!111`, and a whole answer like `7,425,000`. */
function removeThousandsSeparators(text: string): string {
  text = text.replace(/(\d)\s*\{\s*,\s*\}\s*(?=\d{3})/g, "$1").replace(/(\d),\s*\\!\s*(?=\d{3})/g, "$1");
  text = text.replace(/(\d)\\\s(?=\d{3}\b)/g, "$1");
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) text = text.replace(/,/g, "");
  if (/^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(text)) text = text.replace(/ /g, "");
  return text;
}

/**
 * `[…]` that wraps no top-level comma is grouping, not an interval: `\frac{1}{3}[\sin t+\cos t]` →
 * `\frac{1}{3}(\sin t+\cos t)`. `\sqrt[3]{…}` keeps its index; `[0,1]` and `[0,1)` stay intervals.
 */
function bracketsAsParentheses(text: string): string {
  if (!text.includes("[")) return text;
  const characters = [...text];
  const open: { index: number; comma: boolean }[] = [];
  let depth = 0;
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index];
    if (character === "[" && !/\\sqrt\s*$/.test(text.slice(Math.max(0, index - 8), index)))
      open.push({ index, comma: false });
    else if ("({".includes(character)) depth++;
    else if (")}".includes(character)) depth--;
    else if ((character === "," || character === ";") && open.length > 0) open[open.length - 1].comma = true;
    else if ((character === "]" || character === ")") && open.length > 0) {
      const last = open.pop()!;
      if (character === "]" && !last.comma) {
        characters[last.index] = "(";
        characters[index] = ")";
      }
    }
  }
  return depth === 0 ? characters.join("") : text;
}

const NUMBER_WORDS: Record<string, number> = Object.fromEntries(
  [
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen",
    "sixteen seventeen eighteen nineteen",
  ]
    .join(" ")
    .split(" ")
    .map((word, index) => [word, index]),
);
const TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
TENS.forEach((word, index) => {
  NUMBER_WORDS[word] = 20 + 10 * index;
});
const NUMBER_WORD = `(?:${Object.keys(NUMBER_WORDS).join("|")})`;
/** A whole answer that is a number in words: `three`, `twenty-five`, `one hundred twelve`. */
const NUMBER_PHRASE = new RegExp(
  `^(?:(${NUMBER_WORD})\\s+hundred(?:\\s+and)?\\s*)?(${NUMBER_WORD})?(?:[-\\s](${NUMBER_WORD}))?(?=\\s*(?:\\\\%)?$)`,
  "i",
);

/** `three` → `3`, `twenty-five` → `25`, `one hundred twelve` → `112` (the whole answer only; `twelve percent` too). */
function numberWordsAsDigits(text: string): string {
  const match = NUMBER_PHRASE.exec(text.trim());
  if (!match || match[0].trim() === "") return text;
  const value = (word: string | undefined) => (word ? NUMBER_WORDS[word.toLowerCase()] : 0);
  const tail = text.trim().slice(match[0].length);
  return `${100 * value(match[1]) + value(match[2]) + value(match[3])}${tail}`;
}

/** `2.5e-6` → `2.5\times10^{-6}`, so that no reader takes its `e` for Euler's number. */
function scientificAsPowerOfTen(text: string): string {
  return text.replace(/(?<![\w\\.])(\d+(?:\.\d+)?)[eE]([+-]?\d{1,4})(?![\w.])/g, "$1\\times10^{$2}");
}

/** Removes leading and trailing runs of `character` (a loop, not a regex: `$+$` is quadratic on long runs). */
function trimCharacter(text: string, character: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === character) start++;
  while (end > start && text[end - 1] === character) end--;
  return text.slice(start, end);
}

export function stripDelimiters(text: string): string {
  let previous = "";
  while (previous !== text) {
    previous = text;
    text = trimCharacter(text.trim(), "$").trim();
    text = text.replace(/^\\\(([\s\S]*)\\\)$/, "$1").replace(/^\\\[([\s\S]*)\\\]$/, "$1");
    text = text.replace(
      /^\\begin\{(?:align|equation|gather)\*?\}([\s\S]*)\\end\{(?:align|equation|gather)\*?\}$/,
      "$1",
    );
    while (/[.,;:]$/.test(text)) text = text.slice(0, -1);
    text = text.replace(/\\\\$/, "");
  }
  return text;
}

/** Answers escaped twice (`\\frac` for `\frac`, from JSON written twice) are unescaped once. */
function unescapeDoubled(text: string): string {
  if (/(?<!\\)\\\\[a-zA-Z]/.test(text) && !/(?<!\\)\\[a-zA-Z]/.test(text)) return text.replace(/\\\\/g, "\\");
  return text;
}

const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
const CACHE_LIMIT = 10_000;
const CACHEABLE_LENGTH = 1000;
const cache = new Map<string, string>();

/** Normalizes an extracted answer (memoized: answers repeat across samples and copies). */
export function normalizeAnswer(answer: string): string {
  if (PLAIN_NUMBER.test(answer)) return answer;
  const cached = cache.get(answer);
  if (cached !== undefined) return cached;
  const normalized = normalizeUncached(answer);
  if (answer.length > CACHEABLE_LENGTH) return normalized;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(answer, normalized);
  return normalized;
}

function normalizeUncached(answer: string): string {
  // Whitespace runs collapse first, so that no pattern below meets a long run of spaces.
  let text = unescapeDoubled(answer.replace(/\s+/g, " ")).replace(/\*\*([^*]+)\*\*/g, "$1");
  for (const [pattern, replacement] of UNICODE) text = text.replace(pattern, replacement);
  text = removeThousandsSeparators(stripDelimiters(text));
  text = text
    .replace(/\\(?:d|t|c)frac/g, "\\frac")
    .replace(/\\(?:left|right)\s*\.(?!\d)/g, "")
    .replace(/\\(?:left|right|bigg|Bigg|big|Big)[lr]?(?![a-zA-Z])/g, "")
    .replace(/\\displaystyle|\\limits/g, "")
    .replace(/(?<!\\)\\(?:quad|qquad|,|;|:|!|\s)/g, " ")
    // Degrees, with a temperature scale if one follows: `10^{\circ}\text{C}` → `10`.
    .replace(
      /(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree)(?:\s*\\text\{\s*[CF]\s*\}|\s*[CF](?![a-zA-Z]))?/g,
      "",
    )
    .replace(/\\\$|\$/g, "")
    .replace(/\\mathrm\{e\}/g, "e")
    .replace(/\\mathbb\s*\{?R\}?/g, "(-\\infty,\\infty)")
    .replace(/\\varnothing|\\\{\s*\\\}|^\{\s*\}$/g, "\\emptyset")
    .replace(/\\langle/g, "(")
    .replace(/\\rangle/g, ")")
    .replace(/\\gt(?![a-zA-Z])/g, ">")
    .replace(/\\lt(?![a-zA-Z])/g, "<")
    .replace(/!=/g, "\\ne ")
    .replace(/\\geqslant|\\geq|>=/g, "\\ge ")
    .replace(/\\leqslant|\\leq|<=/g, "\\le ")
    .replace(/\\neq/g, "\\ne ");
  text = text.replace(/\\%|%|\s*\b(?:pct|percent|per\s?cent)\b/g, "\\%");
  text = unwrapTextCommands(stripUnits(text));
  text = text
    .replace(/^(?:and|or)\s+|\s+(?:and|or)$/g, "")
    .replace(/\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+|(?<=[)\]\d}])\s*or\s*(?=[(\d])/g, ", ");
  text = bracketsAsParentheses(expandShorthand(numberWordsAsDigits(text)));
  text = scientificAsPowerOfTen(stripDelimiters(text));
  text = removeThousandsSeparators(text);
  return text.replace(/\s+/g, " ").trim();
}
