import { integerAnswerMatches } from "./answers.js";
import { createRandom, mixSeed, type Random } from "./random.js";
import {
  checkTaskOptions,
  distinctProblems,
  type Task,
  type TaskOptions,
  type TaskProblem,
} from "./types.js";

const NAME = "multiplication-tool";

/** A number of exactly `digits` digits, uniform among them. */
function withDigits(random: Random, digits: number): number {
  return random.integer(10 ** (digits - 1), 10 ** digits - 1);
}

/**
 * The supervised tool-call trace, in the qwen-tir format (src/tools/formats/text-formats.ts): a
 * program, its output block, the answer. `boxed eval --tools python --tool-format qwen-tir` stops at
 * "```output" and fills the block with the sandbox's real output.
 */
export function toolTrace(left: number, right: number): string {
  const product = BigInt(left) * BigInt(right);
  return `\`\`\`python\nprint(${left}*${right})\n\`\`\`\n\`\`\`output\n${product}\n\`\`\`\n\\boxed{${product}}`;
}

/**
 * Products a small model cannot do in its head ("48213*90417="): both operands have `difficulty`
 * or `difficulty + 1` digits (default 4: 4–5-digit operands, 7–10-digit products). The trace calls
 * Python for the product and copies its output into \boxed{} — the demonstration that a tool turns
 * an impossible task into a copying task (docs/tools.md). `steps: false` gives the answer alone
 * (`boxed sft` without `--traces`), the no-tool baseline.
 */
export const multiplicationToolTask: Task = {
  name: NAME,
  description:
    "a*b= with difficulty- or (difficulty+1)-digit operands (default 4); traces compute the product with a python tool call",
  defaultDifficulty: 4,
  generate(options: TaskOptions): TaskProblem[] {
    const difficulty = checkTaskOptions(NAME, options, 4);
    const random = createRandom(mixSeed(options.seed, difficulty, 0x7001));
    const problems = distinctProblems(options.count, () => {
      const left = withDigits(random, difficulty + random.integer(0, 1));
      const right = withDigits(random, difficulty + random.integer(0, 1));
      const answer = String(BigInt(left) * BigInt(right));
      const trace = (options.steps ?? true) ? toolTrace(left, right) : answer;
      const meta = { task: NAME, difficulty, trace };
      return { id: "", benchmark: NAME, question: `${left}*${right}=`, answer, meta };
    });
    return problems.map((problem, index) => ({ ...problem, id: `${NAME}-${options.seed}-${index}` }));
  },
  verify: (problem, response) => integerAnswerMatches(response, problem.answer),
};
