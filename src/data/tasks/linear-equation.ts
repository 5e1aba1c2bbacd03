import { integerAnswerMatches } from "./answers.js";
import { createRandom, mixSeed, type Random } from "./random.js";
import {
  checkTaskOptions,
  distinctProblems,
  type Task,
  type TaskOptions,
  type TaskProblem,
} from "./types.js";

/** "3x", "-x", "x" — a coefficient written before x. */
function termX(coefficient: number): string {
  if (coefficient === 1) return "x";
  if (coefficient === -1) return "-x";
  return `${coefficient}x`;
}

/** " + 5" / " - 5" / "" — a constant appended to a side. */
function constant(value: number): string {
  if (value === 0) return "";
  return value > 0 ? `+${value}` : `${value}`;
}

function nonZero(random: Random, bound: number): number {
  const value = random.integer(1, bound);
  return random.next() < 0.5 ? -value : value;
}

/**
 * a·x + b = c·x + d with an integer solution. Difficulty 1: c = 0 and a > 0 (one-sided);
 * from 2: x on both sides; coefficient bounds grow with difficulty (4·difficulty).
 */
function makeProblem(random: Random, difficulty: number, steps: boolean): TaskProblem {
  const bound = 4 * difficulty;
  const solution = random.integer(-3 * bound, 3 * bound);
  const right = difficulty === 1 ? 0 : nonZero(random, bound);
  let left = difficulty === 1 ? random.integer(2, bound) : nonZero(random, bound);
  if (left === right) left = right + 1;
  const leftConstant = random.integer(-bound * 3, bound * 3);
  const rightConstant = (left - right) * solution + leftConstant;
  const rightSide = right === 0 ? String(rightConstant) : `${termX(right)}${constant(rightConstant)}`;
  const question = `${termX(left)}${constant(leftConstant)}=${rightSide}`;
  const coefficient = left - right;
  const value = rightConstant - leftConstant;
  const lines = [question];
  // (a − c)·x = d − b
  if (leftConstant !== 0) lines.push(`${termX(coefficient)}=${rightConstant}${constant(-leftConstant)}`);
  lines.push(`${termX(coefficient)}=${value}`);
  lines.push(`x=${value}/${coefficient}=${solution}`);
  const answer = String(solution);
  const trace = steps ? [...lines, `answer: ${answer}`].join("\n") : answer;
  return {
    id: "",
    benchmark: "linear-equation",
    question: `Solve for x: ${question}`,
    answer,
    meta: { task: "linear-equation", difficulty, trace },
  };
}

/** Linear equations in one unknown with an integer solution; the answer is the value of x. */
export const linearEquationTask: Task = {
  name: "linear-equation",
  description:
    "solve ax+b=cx+d for integer x; difficulty 1 is one-sided, higher grows coefficients (default 2)",
  defaultDifficulty: 2,
  generate(options: TaskOptions): TaskProblem[] {
    const difficulty = checkTaskOptions("linear-equation", options, 2);
    const random = createRandom(mixSeed(options.seed, difficulty, 303));
    const problems = distinctProblems(options.count, () =>
      makeProblem(random, difficulty, options.steps ?? true),
    );
    return problems.map((problem, index) => ({ ...problem, id: `linear-equation-${options.seed}-${index}` }));
  },
  verify: (problem, response) => integerAnswerMatches(response, problem.answer),
};
