/**
 * Normalization of an extracted answer before parsing. Pure, string to string; each step is one
 * regular rewrite, listed in order in `docs/verifier.md`.
 */

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
  [/°/g, ""],
];

/** Units and words that follow a number and carry no mathematical meaning for grading. */
const UNIT_WORDS =
  "units?|square|sq|cubic|cm|mm|km|m|meters?|centimeters?|inches|inch|feet|foot|ft|miles?|yards?|hours?|minutes?|seconds?|days?|weeks?|years?|dollars?|cents?|degrees?|mph|kg|g|grams?|pounds?|lbs?|people|students|ways|cups?|gallons?|liters?";

/** Connectives inside \text become list separators: `6 \text{ and } 8` → `6 , 8`. */
const TEXT_CONNECTIVE = new RegExp(`\\\\(?:${TEXT_COMMANDS})\\{\\s*(?:and|or|,)\\s*\\}`, "g");
/** Units after a quantity are dropped, with any power: `15\mbox{ cm}^2` → `15`. */
const TEXT_UNIT = new RegExp(
  `([\\d}.)])\\s*\\\\(?:${TEXT_COMMANDS})\\{\\s*(?:(?:${UNIT_WORDS})\\b\\.?\\s*)+\\}(?:\\^\\{?\\d\\}?)?`,
  "gi",
);
const TEXT_WRAPPER = new RegExp(`\\\\(?:${TEXT_COMMANDS})\\{([^{}]*)\\}`, "g");
/** Plain-word units after a number: `5 cm`, `100 square units`. */
const PLAIN_UNIT = new RegExp(`(\\d)(?:\\s+(?:${UNIT_WORDS})\\b)+(?:\\^\\d)?`, "gi");

function unwrapTextCommands(text: string): string {
  if (!text.includes("\\")) return text;
  let previous = "";
  while (previous !== text) {
    previous = text;
    text = text.replace(TEXT_CONNECTIVE, ",").replace(TEXT_UNIT, "$1").replace(TEXT_WRAPPER, "$1");
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

/** Removes leading and trailing runs of `character` (a loop, not a regex: `$+$` is quadratic on long runs). */
function trimCharacter(text: string, character: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === character) start++;
  while (end > start && text[end - 1] === character) end--;
  return text.slice(start, end);
}

function stripDelimiters(text: string): string {
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
    .replace(/\\geqslant|\\geq|>=/g, "\\ge ")
    .replace(/\\leqslant|\\leq|<=/g, "\\le ")
    .replace(/\\neq/g, "\\ne ");
  text = unwrapTextCommands(text);
  text = text
    .replace(/\\%|%|\b(?:pct|percent)\b/g, "\\%")
    .replace(PLAIN_UNIT, "$1")
    .replace(/^(?:and|or)\s+|\s+(?:and|or)$/g, "")
    .replace(/\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+|(?<=[)\]\d}])\s*or\s*(?=[(\d])/g, ", ");
  text = expandShorthand(text);
  text = stripDelimiters(text);
  text = removeThousandsSeparators(text);
  return text.replace(/\s+/g, " ").trim();
}
