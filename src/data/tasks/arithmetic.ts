import { integerAnswerMatches } from "./answers.js";
import { createRandom, mixSeed, type Random } from "./random.js";
import {
  checkTaskOptions,
  distinctProblems,
  OPERAND_DISTRIBUTIONS,
  type OperandDistribution,
  type Task,
  type TaskOptions,
  type TaskProblem,
} from "./types.js";

/** The operations an arithmetic task may draw from. */
export type Operation = "+" | "-" | "*";

/**
 * A random operand of at most maxDigits digits. "uniform": uniform in [0, 10^maxDigits), mostly
 * exactly maxDigits digits. "by-digits": digit count uniform in 1..maxDigits, then uniform among the
 * numbers with that many digits (0–9 for one digit), so short numbers are common.
 */
function operand(random: Random, maxDigits: number, distribution: OperandDistribution): number {
  if (distribution === "uniform") return random.integer(0, 10 ** maxDigits - 1);
  const digits = random.integer(1, maxDigits);
  return digits === 1 ? random.integer(0, 9) : random.integer(10 ** (digits - 1), 10 ** digits - 1);
}

function checkOperands(task: string, value: unknown): OperandDistribution {
  if (value === undefined) return "uniform";
  if (!OPERAND_DISTRIBUTIONS.includes(value as OperandDistribution)) {
    throw new Error(`${task}: operands must be one of ${OPERAND_DISTRIBUTIONS.join(", ")}, got "${value}"`);
  }
  return value as OperandDistribution;
}

/** Column addition, right to left, one line per column: "5+7+1=13 write 3 carry 1". */
export function additionSteps(left: number, right: number): string[] {
  const a = String(left).split("").reverse();
  const b = String(right).split("").reverse();
  const lines: string[] = [];
  let carry = 0;
  for (let column = 0; column < Math.max(a.length, b.length); column++) {
    const x = Number(a[column] ?? 0);
    const y = Number(b[column] ?? 0);
    const sum = x + y + carry;
    const terms = carry > 0 ? `${x}+${y}+${carry}` : `${x}+${y}`;
    carry = Math.floor(sum / 10);
    lines.push(`${terms}=${sum} write ${sum % 10} carry ${carry}`);
  }
  if (carry > 0) lines.push(`write ${carry}`);
  return lines;
}

/** Column subtraction of the smaller from the larger: "2-7 borrow 12-7=5". */
export function subtractionSteps(left: number, right: number): string[] {
  const [large, small] = left >= right ? [left, right] : [right, left];
  const a = String(large).split("").reverse();
  const b = String(small).split("").reverse();
  const lines: string[] = left >= right ? [] : [`${left}-${right}=-(${right}-${left})`];
  let borrow = 0;
  for (let column = 0; column < a.length; column++) {
    const x = Number(a[column]) - borrow;
    const y = Number(b[column] ?? 0);
    borrow = x < y ? 1 : 0;
    lines.push(borrow ? `${x}-${y} borrow ${x + 10}-${y}=${x + 10 - y}` : `${x}-${y}=${x - y}`);
  }
  return lines;
}

/** Long multiplication: one partial product per digit of the right operand, then their sum. */
export function multiplicationSteps(left: number, right: number): string[] {
  const digits = String(right).split("").reverse();
  const partials = digits.map((digit, place) => left * Number(digit) * 10 ** place);
  const lines = digits.map((digit, place) => `${left}*${Number(digit) * 10 ** place}=${partials[place]}`);
  if (partials.length > 1) lines.push(`${partials.join("+")}=${left * right}`);
  return lines;
}

const STEPS: Record<Operation, (left: number, right: number) => string[]> = {
  "+": additionSteps,
  "-": subtractionSteps,
  "*": multiplicationSteps,
};

function evaluate(left: number, operation: Operation, right: number): number {
  if (operation === "+") return left + right;
  if (operation === "-") return left - right;
  return left * right;
}

/** One problem "12+345=" with its trace (steps then "answer: N", or only "N"). */
function makeProblem(
  name: string,
  random: Random,
  operations: readonly Operation[],
  difficulty: number,
  steps: boolean,
  distribution: OperandDistribution,
): TaskProblem {
  const operation = random.pick(operations);
  const left = operand(random, difficulty, distribution);
  const rightDigits = operation === "*" ? Math.max(1, Math.ceil(difficulty / 2)) : difficulty;
  const right = operand(random, rightDigits, distribution);
  const answer = String(evaluate(left, operation, right));
  const trace = steps ? [...STEPS[operation](left, right), `answer: ${answer}`].join("\n") : answer;
  const question = `${left}${operation}${right}=`;
  return { id: "", benchmark: name, question, answer, meta: { task: name, difficulty, trace } };
}

/**
 * Multi-digit integer arithmetic. Difficulty = the maximum number of digits of an operand (operands
 * uniform in [0, 10^difficulty) by default, or digit count uniform with `operands: "by-digits"`; a
 * multiplier has at most ⌈difficulty/2⌉ digits).
 * Traces are the schoolbook column algorithms, one line per column or partial product.
 */
export function createArithmeticTask(
  name: string,
  operations: readonly Operation[],
  description: string,
): Task {
  return {
    name,
    description,
    defaultDifficulty: 3,
    generate(options: TaskOptions): TaskProblem[] {
      const difficulty = checkTaskOptions(name, options, 3);
      const distribution = checkOperands(name, options.operands);
      const random = createRandom(mixSeed(options.seed, difficulty, 101));
      const problems = distinctProblems(options.count, () =>
        makeProblem(name, random, operations, difficulty, options.steps ?? true, distribution),
      );
      return problems.map((problem, index) => ({ ...problem, id: `${name}-${options.seed}-${index}` }));
    },
    verify: (problem, response) => integerAnswerMatches(response, problem.answer),
  };
}

export const additionTask = createArithmeticTask(
  "addition",
  ["+"],
  "a+b= with operands up to difficulty digits (default 3; operands: uniform | by-digits); answer the sum",
);

export const arithmeticTask = createArithmeticTask(
  "arithmetic",
  ["+", "-", "*"],
  "a+b=, a-b= or a*b= with operands up to difficulty digits (default 3; operands: uniform | by-digits), column-algorithm traces",
);
