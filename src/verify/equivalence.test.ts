import { describe, expect, it } from "vitest";
import { areEquivalent } from "./equivalence.js";
import { gradeSync } from "./grade-sync.js";

type Row = [string, string, boolean];
const check = (rows: Row[]) =>
  it.each(rows)("%s vs %s → %s", (gold, predicted, expected) => {
    expect(areEquivalent(gold, predicted)).toBe(expected);
  });

describe("numbers (exact path)", () => {
  check([
    ["3", "3.0", true],
    ["\\frac{1}{2}", "0.5", true],
    ["\\frac{1}{3}", "0.333333", true],
    ["\\frac{1}{3}", "0.33", false],
    ["-\\frac{3}{4}", "-3/4", true],
    ["10\\%", "0.1", true],
    ["198\\%", "198", true],
    ["7425000", "7,425,000", true],
    ["10{,}000", "10000", true],
    ["1.5e-3", "0.0015", true],
    ["6.02 \\times 10^{23}", "6.02e23", true],
    ["1.5e-9", "1.6e-9", false],
    ["123456789012345678901234567890", "123456789012345678901234567891", false],
  ]);
});

describe("symbolic expressions", () => {
  check([
    ["\\frac{x+2}{7}", "\\frac{x}{7}+\\frac{2}{7}", true],
    ["\\tan^2(y)+1", "\\sec^2(y)", true],
    ["2\\sqrt{2}", "\\sqrt{8}", true],
    ["x^2-1", "(x-1)(x+1)", true],
    ["x^2-1", "(x-1)^2", false],
    ["\\frac{1}{10^9}", "\\frac{2}{10^9}", false],
    ["\\sin(\\pi)", "0", true],
    // Significant figures, not an absolute floor: 4 of them are a rounding, as 0.33 is for 1/3.
    ["\\frac{\\sqrt{2}}{1000}", "0.001414", false],
    ["\\frac{\\sqrt{2}}{1000}", "0.00141421356", true],
    ["\\frac12", "\\frac{1}{2}", true],
    ["\\sqrt2", "\\sqrt{2}", true],
    ["\\frac{9}{4}\\pi", "\\frac94\\pi", true],
  ]);
});

describe("tuples, sets, intervals, matrices", () => {
  check([
    ["(1,2)", "(1, 2)", true],
    ["(1,2)", "(2,1)", false],
    ["\\{1,2,3\\}", "\\{3,2,1\\}", true],
    ["1,2,3", "3, 1, 2", true],
    ["[0,1)", "[0,1)", true],
    ["(0,9)", "[0,9)", false],
    ["(-\\infty,-3]\\cup[2,\\infty)", "[2,\\infty)\\cup(-\\infty,-3]", true],
    ["\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", true],
    ["\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&5\\end{pmatrix}", false],
  ]);
});

describe("relations", () => {
  check([
    ["x=3", "3", true],
    ["3", "x = 3", true],
    ["a+3z=0", "0", false],
    ["x \\ge 5", "x >= 5", true],
    ["x<1", "-x>-1", true],
    ["x<1", "x>-1", false],
    ["x \\in [-2,7]", "[-2,7]", true],
    ["-793 < a < 10", "(-793, 10)", true],
  ]);
  it("compares a set with a relation only when allowed", () => {
    expect(areEquivalent("x \\ge 5", "[5, \\infty)")).toBe(false);
    expect(areEquivalent("x \\ge 5", "[5, \\infty)", { allowSetRelationComparison: true })).toBe(true);
  });
});

describe("complex numbers, words, degrees, units", () => {
  check([
    ["2+3i", "3i+2", true],
    ["2+3i", "2-3i", false],
    ["\\text{Evelyn}", "Evelyn", true],
    ["\\text{(B)}", "(B)", true],
    ["90^\\circ", "90", true],
    ["15\\mbox{ cm}^2", "15", true],
    ["100\\text{ square units}", "100", true],
  ]);
});

describe("Math-Verify's known wrong verdicts (its issue tracker), which boxed gets right", () => {
  check([
    ["\\frac{1}{2004!}", "\\frac{1}{2006!}", false],
    ["x = 2", "x = 3", false],
    ["y = 2x + 1", "y = 2x + 3", false],
    ["\\pm 2021", "2021", false],
    ["\\pm 2021", "\\{-2021, 2021\\}", true],
    ["1, 2, 3", "1, 2", false],
    ["(1,2), (3,4)", "(1,2)", false],
    ["13", "\\text{13}", true],
  ]);
  it("reads markdown bold, \\dfrac outside math, and several boxed answers", () => {
    expect(gradeSync("73", "So the final answer is **73**.").correct).toBe(true);
    expect(gradeSync("\\frac{3}{4}", "The answer is \\dfrac{3}{4}").correct).toBe(true);
    expect(gradeSync("1, 2", "The roots are \\boxed{1} and \\boxed{2}.").correct).toBe(true);
  });
});

describe("options and errors", () => {
  it("strict requires matching variable names", () => {
    expect(areEquivalent("f(x)", "f(y)", { strict: true })).toBe(false);
    expect(areEquivalent("f(x)", "f(y)", { strict: false })).toBe(true);
  });
  it("precision sets the float tolerance", () => {
    expect(areEquivalent("3.14159", "3.1416", { precision: 4 })).toBe(true);
    expect(areEquivalent("3.14159", "3.1416", { precision: 6 })).toBe(false);
  });
  it("degreesAsRadians lets degrees match radians", () => {
    expect(areEquivalent("90^\\circ", "\\frac{\\pi}{2}")).toBe(false);
    expect(areEquivalent("90^\\circ", "\\frac{\\pi}{2}", { degreesAsRadians: true })).toBe(true);
    expect(areEquivalent("\\frac{\\pi}{3}", "60^{\\circ}", { degreesAsRadians: true })).toBe(true);
    expect(areEquivalent("45^\\circ", "\\frac{\\pi}{2}", { degreesAsRadians: true })).toBe(false);
    expect(areEquivalent("90^\\circ", "90", { degreesAsRadians: true })).toBe(true);
  });
  it("names the bad argument", () => {
    expect(() => areEquivalent(1 as unknown as string, "1")).toThrow(/gold/);
    expect(() => areEquivalent("1", "1", { precision: -1 })).toThrow(/precision/);
  });
});

describe("input the CAS accepts but cannot canonicalize", () => {
  it("is a verdict, not an exception", () => {
    const grade = gradeSync("8n^2 + 4n + 1", "\\sum_{n=1}^{7\\dfrac<");
    expect(grade.correct).toBe(false);
    expect(["unparseable", "not_equivalent"]).toContain(grade.reason);
  });
});
