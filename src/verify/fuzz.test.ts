/**
 * Property test of the synchronous path: 10,000 mutated real answers (MATH-500 golds with random
 * LaTeX insertions, deletions and repetitions, seeded) never throw and always give a verdict.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gradeSync } from "./grade-sync.js";

const MATH500_PATH = new URL("../../data/benchmarks/math500.jsonl", import.meta.url);
const FRAGMENTS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  "\\frac",
  "\\sqrt",
  "^",
  "_",
  "\\boxed{",
  "$",
  "\\left(",
  "\\right)",
  "=",
  "<",
  "\\le",
  ",",
  ";",
  "\\pm",
  "\\cup",
  "\\infty",
  "x",
  "1",
  "0",
  "-",
  "+",
  "\\",
  "\\text{",
  "!",
  "%",
  "\\\\",
  "&",
  "\\begin{pmatrix}",
  "\\end{pmatrix}",
  ".",
  " ",
  "\\{",
  "\\}",
  "\u0000",
  "²",
  "−",
];
const INPUT_COUNT = 10_000;

/** Linear congruential generator (glibc constants), so every run sees the same inputs. */
function generator(seed: number): (bound: number) => number {
  let state = seed;
  return (bound) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % bound;
  };
}

function mutate(text: string, random: (bound: number) => number): string {
  let mutated = text;
  for (let step = 0, steps = 1 + random(4); step < steps; step++) {
    const position = random(mutated.length + 1);
    const operation = random(3);
    const before = mutated.slice(0, position);
    if (operation === 0) mutated = before + FRAGMENTS[random(FRAGMENTS.length)] + mutated.slice(position);
    else if (operation === 1) mutated = before + mutated.slice(position + 1 + random(3));
    else mutated = before + mutated.slice(position, position + random(6)).repeat(2) + mutated.slice(position);
  }
  return mutated;
}

describe("fuzz: mutated real answers", () => {
  it(`grades ${INPUT_COUNT} mutated inputs without throwing`, () => {
    const golds: string[] = readFileSync(MATH500_PATH, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).answer);
    const random = generator(7);
    let verdicts = 0;
    for (let index = 0; index < INPUT_COUNT; index++) {
      const gold = golds[random(golds.length)];
      const predicted = random(2) ? mutate(gold, random) : golds[random(golds.length)];
      const response = random(2) ? `so \\boxed{${predicted}}` : predicted;
      const grade = gradeSync(random(3) ? gold : mutate(gold, random), response);
      if (["equivalent", "not_equivalent", "no_answer", "unparseable"].includes(grade.reason)) verdicts++;
    }
    expect(verdicts).toBe(INPUT_COUNT);
  }, 60_000);
});
