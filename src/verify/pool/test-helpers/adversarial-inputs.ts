/**
 * Generated and adversarial grading inputs for the robustness test: real answers mutated at
 * random, random LaTeX, and the pathological list of issue 4 (huge powers, factorial towers, deep
 * nesting, 1 MB strings, unbalanced braces, control characters). Seeded: the same seed gives the
 * same inputs.
 */
import type { GradeItem } from "../protocol.js";

/** mulberry32, a 32-bit seeded PRNG (Tommy Ettinger, public domain); returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const LATEX_TOKENS =
  "\\frac \\dfrac \\sqrt { } ^ _ ( ) [ ] \\left( \\right) \\pi \\infty \\cup \\cap \\pm \\cdot \\times \\le = < + - / , ! x y n e i 0 1 2 7 10 999 3.14 \\% ^\\circ \\text{cm} \\boxed{ \\begin{pmatrix} \\end{pmatrix} & \\\\ \\sum_{n=1}^{ \\int \\ln \\sin \\log_2 \\binom \\mathbb{R} \\emptyset $ \\( \\) \\{ \\} |".split(
    " ",
  );

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

export function randomLatex(random: () => number, length: number): string {
  return Array.from({ length }, () => pick(random, LATEX_TOKENS)).join("");
}

/** One random edit of a real answer: delete, insert, duplicate, truncate, or wrap. */
export function mutate(random: () => number, text: string): string {
  const at = Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + pick(random, LATEX_TOKENS) + text.slice(at);
    case 2:
      return (
        text.slice(0, at) + text.slice(at, at + 8).repeat(2 + Math.floor(random() * 4)) + text.slice(at + 8)
      );
    case 3:
      return text.slice(0, at);
    case 4:
      return `\\boxed{${text}}`;
    default:
      return `${text}${pick(random, ["", "}", "{", "^", "!", "\\", "$"])}`;
  }
}

/** The pathological inputs named in issue 4, each also given boxed. */
export function pathologicalAnswers(): string[] {
  const nested = (depth: number, open: string, close: string, core = "1") =>
    open.repeat(depth) + core + close.repeat(depth);
  const controlCharacters = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).join("");
  const answers = [
    "10^{10^{10^{10}}}",
    "2^{2^{2^{2^{2^{2^{2}}}}}}",
    "9^{9^{9^9}}",
    "((10!)!)!",
    "1000000!",
    "\\frac{1}{2004!}",
    "100000!!!!!!",
    "\\sum_{n=1}^{10^9} n",
    "\\prod_{k=1}^{10^{12}} k",
    "\\int_0^{10^{10}} e^{x^2} dx",
    "\\lim_{n\\to\\infty} (1+1/n)^{n^{n}}",
    "{}".repeat(5000),
    nested(5000, "{", "}"),
    nested(2000, "\\sqrt{", "}"),
    nested(1000, "\\frac{1}{", "}"),
    nested(3000, "(", ")"),
    nested(500, "\\left(", "\\right)"),
    "{".repeat(10000),
    "}".repeat(10000),
    "\\boxed{".repeat(3000),
    "\\frac{".repeat(2000),
    controlCharacters,
    `\\boxed{1${controlCharacters}}`,
    "\u0000\u0000\\boxed{\u0007}",
    "\\".repeat(10000),
    "$".repeat(10001),
    "1".repeat(100000),
    `0.${"3".repeat(50000)}`,
    `\\begin{pmatrix}${Array.from({ length: 200 }, () => `${"1&".repeat(199)}1`).join("\\\\")}\\end{pmatrix}`,
    "x".repeat(1_000_000),
    `The answer is \\boxed{${"1+".repeat(300_000)}1}`,
    `${"\\frac{1}{2}".repeat(90_000)}`,
    "\ud800\udc00\ud800 \\boxed{\udfff}",
  ];
  return [...answers, ...answers.map((answer) => `\\boxed{${answer}}`)];
}

/** Random code points: control characters, lone surrogates, combining marks, symbols, letters. */
export function randomCharacters(random: () => number, length: number): string {
  const ranges = [
    [0, 32],
    [32, 127],
    [0x300, 0x370],
    [0x2200, 0x2300],
    [0xd800, 0xe000],
  ];
  return Array.from({ length }, () => {
    const [low, high] = pick(random, ranges);
    return String.fromCharCode(low + Math.floor(random() * (high - low)));
  }).join("");
}

function generatedAnswer(random: () => number, realAnswers: string[]): string {
  const draw = random();
  if (draw < 0.5) return mutate(random, pick(random, realAnswers));
  if (draw < 0.75) return randomLatex(random, 1 + Math.floor(random() * 12));
  return randomCharacters(random, 1 + Math.floor(random() * 24));
}

/** `count` grading jobs: mutated real answers, random LaTeX and characters, every pathological answer. */
export function adversarialItems(realAnswers: string[], count: number, seed: number): GradeItem[] {
  const random = seededRandom(seed);
  const pathological = pathologicalAnswers();
  const items: GradeItem[] = [];
  for (const answer of pathological) {
    items.push({ gold: pick(random, realAnswers), response: answer });
    items.push({ gold: answer, response: `\\boxed{${pick(random, realAnswers)}}` });
  }
  while (items.length < count) {
    const gold = pick(random, realAnswers);
    const generated = generatedAnswer(random, realAnswers);
    const response = random() < 0.5 ? `So the final answer is \\boxed{${generated}}.` : generated;
    items.push(random() < 0.85 ? { gold, response } : { gold: generated, response: `\\boxed{${gold}}` });
  }
  return items;
}
