import { describe, expect, it } from "vitest";
import { additionTask, arithmeticTask } from "./arithmetic.js";
import type { OperandDistribution } from "./types.js";

/** Fraction of left operands with 1, 2, … digits among generated addition problems. */
function digitCountShares(operands: OperandDistribution | undefined, seed: number): number[] {
  const problems = additionTask.generate({ seed, count: 2000, difficulty: 4, operands });
  const counts = [0, 0, 0, 0];
  for (const problem of problems) counts[problem.question.split("+")[0].length - 1]++;
  return counts.map((count) => count / problems.length);
}

describe("arithmetic operand distributions", () => {
  it('"by-digits" draws each digit count about equally often', () => {
    for (const share of digitCountShares("by-digits", 0)) {
      expect(share).toBeGreaterThan(0.18);
      expect(share).toBeLessThan(0.32);
    }
  });

  it('"uniform" (the default) makes most operands full length', () => {
    const uniform = digitCountShares("uniform", 0);
    expect(uniform[3]).toBeGreaterThan(0.85);
    expect(uniform[0]).toBeLessThan(0.02);
    expect(digitCountShares(undefined, 0)).toEqual(uniform);
  });

  it("is deterministic in its seed, and the distributions differ", () => {
    const options = { seed: 7, count: 50, difficulty: 3, operands: "by-digits" as const };
    expect(additionTask.generate(options)).toEqual(additionTask.generate(options));
    expect(additionTask.generate(options)).not.toEqual(additionTask.generate({ ...options, seed: 8 }));
    expect(additionTask.generate(options)).not.toEqual(
      additionTask.generate({ ...options, operands: "uniform" }),
    );
  });

  it("rejects an unknown distribution naming the option", () => {
    expect(() =>
      arithmeticTask.generate({ seed: 0, count: 1, operands: "gaussian" as OperandDistribution }),
    ).toThrow(/operands must be one of uniform, by-digits/);
  });
});
