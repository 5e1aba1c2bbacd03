import type { Problem } from "../types.js";
import { finalAnswerText } from "./answers.js";
import { evaluateExpression, usesAtMostOnce } from "./expression.js";
import { createRandom, mixSeed, type Random } from "./random.js";
import {
  checkTaskOptions,
  distinctProblems,
  type Task,
  type TaskOptions,
  type TaskProblem,
} from "./types.js";

/** A partial solution: the value so far, its expression text, and the trace lines that built it. */
interface Built {
  value: number;
  expression: string;
  lines: string[];
}

/**
 * Combines two built values with a random operation that keeps the result a positive integer
 * (subtraction larger − smaller, division only when exact).
 */
function combineBuilt(random: Random, left: Built, right: Built): Built {
  const [large, small] = left.value >= right.value ? [left, right] : [right, left];
  const options: [string, number][] = [
    ["+", large.value + small.value],
    ["*", large.value * small.value],
  ];
  if (large.value > small.value) options.push(["-", large.value - small.value]);
  if (small.value > 1 && large.value % small.value === 0) options.push(["/", large.value / small.value]);
  const [operator, value] = random.pick(options);
  const wrap = (built: Built): string =>
    /[-+*/]/.test(built.expression) ? `(${built.expression})` : built.expression;
  return {
    value,
    expression: `${wrap(large)}${operator}${wrap(small)}`,
    lines: [...large.lines, ...small.lines, `${large.value}${operator}${small.value}=${value}`],
  };
}

function makeProblem(random: Random, difficulty: number, steps: boolean): TaskProblem {
  const count = 2 + difficulty; // difficulty 1 → 3 numbers
  const numbers = Array.from({ length: count }, () => random.integer(1, difficulty >= 3 ? 25 : 12));
  const used = random.shuffle(numbers).slice(0, Math.max(2, count - random.integer(0, 1)));
  let pool: Built[] = used.map((value) => ({ value, expression: String(value), lines: [] }));
  while (pool.length > 1) {
    const [first, second, ...rest] = random.shuffle(pool);
    pool = [...rest, combineBuilt(random, first, second)];
  }
  const solution = pool[0];
  const target = solution.value;
  const trace = steps
    ? [...solution.lines, `answer: ${solution.expression}`].join("\n")
    : solution.expression;
  return {
    id: "",
    benchmark: "countdown",
    question: `Use ${numbers.join(" ")} to make ${target}.`,
    answer: String(target),
    meta: { task: "countdown", difficulty, trace, numbers, solution: solution.expression },
  };
}

/** Numbers offered by a countdown problem (from meta, or parsed back from the question). */
function offeredNumbers(problem: Problem): number[] {
  const fromMeta = problem.meta?.numbers;
  if (Array.isArray(fromMeta)) return fromMeta.map(Number);
  const match = /Use ([\d ]+) to make/.exec(problem.question);
  return match ? match[1].trim().split(/\s+/).map(Number) : [];
}

/**
 * Countdown (as in TinyZero/Countdown-style RLVR tasks): reach the target with + − × ÷ using each
 * offered number at most once. Difficulty d offers d+2 numbers (1..12, or 1..25 from d=3). The
 * verifier evaluates the final expression exactly and checks number use.
 */
export const countdownTask: Task = {
  name: "countdown",
  description: "reach a target with + - * / using each of difficulty+2 numbers at most once (default 2)",
  defaultDifficulty: 2,
  generate(options: TaskOptions): TaskProblem[] {
    const difficulty = checkTaskOptions("countdown", options, 2);
    const random = createRandom(mixSeed(options.seed, difficulty, 202));
    const problems = distinctProblems(options.count, () =>
      makeProblem(random, difficulty, options.steps ?? true),
    );
    return problems.map((problem, index) => ({ ...problem, id: `countdown-${options.seed}-${index}` }));
  },
  verify(problem, response) {
    const text = finalAnswerText(response);
    if (text === null) return false;
    const expression = text.split("=")[0];
    const evaluated = evaluateExpression(expression);
    if (evaluated === null || evaluated.numbers.length === 0) return false;
    const { numerator, denominator } = evaluated.value;
    return (
      denominator === 1n &&
      String(numerator) === problem.answer.trim() &&
      usesAtMostOnce(evaluated.numbers, offeredNumbers(problem))
    );
  },
};
