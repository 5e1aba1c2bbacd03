import { describe, expect, it } from "vitest";
import { additionSteps, multiplicationSteps, subtractionSteps } from "./arithmetic.js";
import { evaluateExpression, usesAtMostOnce } from "./expression.js";
import { createRandom } from "./random.js";
import { getTask, TASKS } from "./registry.js";

describe("synthetic tasks", () => {
  for (const task of TASKS.values()) {
    describe(task.name, () => {
      const problems = task.generate({ seed: 7, count: 100, difficulty: 2 });

      it("is deterministic in its seed and differs across seeds", () => {
        expect(task.generate({ seed: 7, count: 100, difficulty: 2 })).toEqual(problems);
        const other = task.generate({ seed: 8, count: 100, difficulty: 2 });
        expect(other.map((problem) => problem.question)).not.toEqual(
          problems.map((problem) => problem.question),
        );
      });

      it("verifies its own traces, with and without steps, and rejects wrong answers", () => {
        expect(problems).toHaveLength(100);
        for (const problem of problems) {
          expect(task.verify(problem, problem.meta.trace)).toBe(true);
          expect(task.verify(problem, "answer: 99999")).toBe(false);
          expect(task.verify(problem, "")).toBe(false);
        }
        for (const problem of task.generate({ seed: 7, count: 50, difficulty: 2, steps: false })) {
          expect(task.verify(problem, problem.meta.trace)).toBe(true);
          expect(problem.meta.trace).not.toContain("\n");
        }
      });

      it("rejects bad options with the argument's name", () => {
        expect(() => task.generate({ seed: 1.5, count: 1 })).toThrow(/seed/);
        expect(() => task.generate({ seed: 1, count: -1 })).toThrow(/count/);
        expect(() => task.generate({ seed: 1, count: 1, difficulty: 0 })).toThrow(/difficulty/);
      });
    });
  }

  it("unknown task names list the known ones", () => {
    expect(() => getTask("sudoku")).toThrow(/known tasks: addition, arithmetic, countdown/);
  });

  it("difficulty makes problems longer", () => {
    const mean = (name: string, difficulty: number) => {
      const problems = getTask(name).generate({ seed: 3, count: 200, difficulty });
      return problems.reduce((sum, problem) => sum + problem.question.length, 0) / problems.length;
    };
    for (const name of TASKS.keys()) expect(mean(name, 4)).toBeGreaterThan(mean(name, 1));
  });
});

describe("arithmetic traces", () => {
  it.each([
    ["addition", additionSteps(57, 68), ["7+8=15 write 5 carry 1", "5+6+1=12 write 2 carry 1", "write 1"]],
    ["subtraction", subtractionSteps(52, 17), ["2-7 borrow 12-7=5", "4-1=3"]],
    ["multiplication", multiplicationSteps(12, 34), ["12*4=48", "12*30=360", "48+360=408"]],
  ])("%s", (_name, lines, expected) => expect(lines).toEqual(expected));
});

describe("countdown verifier", () => {
  const problem = { id: "c", benchmark: "countdown", question: "Use 3 5 7 to make 26.", answer: "26" };
  it.each([
    ["3*7+5", true],
    ["answer: (3*7)+5", true],
    ["5+7*3 = 26", true],
    ["3*7+5+0", false],
    ["3*7+5*1", false],
    ["7*7-23", false],
    ["(7+5)*3-10", false],
    ["import('x')", false],
  ])("%s → %s", (response, expected) =>
    expect(getTask("countdown").verify(problem, response)).toBe(expected),
  );

  it("evaluates exactly over rationals", () => {
    expect(evaluateExpression("7/2*2")?.value).toEqual({ numerator: 7n, denominator: 1n });
    expect(evaluateExpression("1/0")).toBeNull();
    expect(evaluateExpression("(1+2")).toBeNull();
    expect(usesAtMostOnce([3, 3], [3, 5])).toBe(false);
  });
});

describe("random", () => {
  it("stays in range and repeats with its seed", () => {
    const first = createRandom(5);
    const second = createRandom(5);
    for (let index = 0; index < 1000; index++) {
      const value = first.integer(-3, 3);
      expect(value).toBe(second.integer(-3, 3));
      expect(value >= -3 && value <= 3).toBe(true);
    }
  });
});
