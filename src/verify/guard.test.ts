/** The synchronous path refuses pathological inputs cheaply: no crash, no runaway CAS work. */
import { describe, expect, it } from "vitest";
import { gradeSync } from "./grade-sync.js";
import { casRefusal } from "./guard.js";

const PATHOLOGICAL: [string, string, string][] = [
  ["power tower", "1", "\\boxed{10^{10^{10^{10}}}}"],
  ["huge factorial", "1000000!", "\\boxed{1000000!+1}"],
  ["huge exponent", "1", "\\boxed{2^{99999}}"],
  ["symbolic power", "1", "\\boxed{(x+1)^{999}}"],
  ["unbounded sum", "1", "\\boxed{\\sum_{n=1}^{10^9} n}"],
  ["deep nesting", "2", `\\boxed{${"(".repeat(40)}1${")".repeat(40)}}`],
  ["deep braces", "2", `\\boxed{${"{".repeat(5000)}1${"}".repeat(5000)}}`],
  ["1 MB number", "5", `\\boxed{${"1".repeat(1_000_000)}}`],
  ["1 MB prose", "5", "x".repeat(1_000_000)],
  ["many opening boxes", "5", "\\boxed{".repeat(100_000)],
  ["many fractions", "5", "\\frac{".repeat(50_000)],
  ["unbalanced braces", "5", "\\boxed{5"],
  ["control characters", "5", "\\boxed{\u0000\u0001\u0002}"],
  ["ambiguous unit words", "5", `\\boxed{5\\text{ ${"m".repeat(40)}!}`],
  ["long whitespace run", "5", `\\boxed{5\\text{${" ".repeat(20_000)}x}`],
  ["long dollar run", "5", `answer: ${"$".repeat(100_001)}`],
  ["long phrase tail", "5", `final answer is ${"a ".repeat(100_000)}`],
  ["many unclosed display openers", "5", "\\[".repeat(300_000)],
  ["many unclosed inline openers", "5", "\\(".repeat(300_000)],
  [
    "long symbolic lists",
    "x",
    `\\boxed{${Array.from({ length: 600 }, (_, index) => `x^{${index % 90}}`).join(",")}}`,
  ],
];

describe("pathological inputs on the synchronous path", () => {
  it.each(PATHOLOGICAL)("%s finishes quickly with a verdict", (_name, gold, response) => {
    const started = performance.now();
    const grade = gradeSync(gold, response);
    expect(["equivalent", "not_equivalent", "no_answer", "unparseable"]).toContain(grade.reason);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("keeps identical pathological answers equal without the CAS", () => {
    expect(gradeSync("\\frac{1}{2004!}", "\\boxed{\\frac{1}{2004!}}").correct).toBe(true);
    expect(gradeSync("\\frac{1}{2004!}", "\\boxed{\\frac{1}{2006!}}").correct).toBe(false);
  });

  it("names why the CAS is refused", () => {
    expect(casRefusal("10^{10^{10}}")).toBe("huge power");
    expect(casRefusal("2004!")).toBe("large factorial");
    expect(casRefusal("x^2+1")).toBeNull();
  });
});
