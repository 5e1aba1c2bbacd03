import type { Problem } from "../types.js";

/** How arithmetic operands are drawn (see `TaskOptions.operands`). */
export type OperandDistribution = "uniform" | "by-digits";

/** The operand distributions, for flags and schemas. */
export const OPERAND_DISTRIBUTIONS: readonly OperandDistribution[] = ["uniform", "by-digits"];

/** Options every synthetic task understands. */
export interface TaskOptions {
  /** Seed of the generator: same seed and options → the same problems. */
  seed: number;
  /** Number of problems to generate. */
  count: number;
  /** The task's difficulty knob, an integer ≥ 1 (its meaning is in each task's description). */
  difficulty?: number;
  /** Whether supervised traces show intermediate steps (true) or only the answer (false). Default true. */
  steps?: boolean;
  /**
   * Addition/arithmetic only: how operands are drawn. "uniform" (default): uniform in [0, 10^d), so
   * most have exactly d digits. "by-digits": the digit count is uniform in 1..d, then the number is
   * uniform among numbers of that many digits — short numbers are common (a curriculum; the shipped
   * demo warm start's first SFT stage uses it).
   */
  operands?: OperandDistribution;
  /** Logic puzzle only: fraction of statements about other entities, in [0, 1). Default 0.5. */
  distractors?: number;
}

/**
 * A synthetic task with a verifiable answer. `generate` is deterministic; each problem carries its
 * supervised completion in `meta.trace` (used by `boxed sft` to warm-start a model).
 */
export interface Task {
  name: string;
  /** One line for `--help` and docs: what the task asks and what the difficulty knob does. */
  description: string;
  /** Default difficulty when the option is left out. */
  defaultDifficulty: number;
  generate(options: TaskOptions): TaskProblem[];
  /** True when the response's final answer is correct for the problem. */
  verify(problem: Problem, response: string): boolean;
}

/** A generated problem: `question` is the prompt text, `meta.trace` the supervised completion. */
export interface TaskProblem extends Problem {
  meta: { task: string; difficulty: number; trace: string; [key: string]: unknown };
}

/** Checks the shared options and returns the difficulty to use. */
export function checkTaskOptions(task: string, options: TaskOptions, defaultDifficulty: number): number {
  if (!Number.isInteger(options.seed))
    throw new Error(`${task}: seed must be an integer, got ${options.seed}`);
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new Error(`${task}: count must be a non-negative integer, got ${options.count}`);
  }
  const difficulty = options.difficulty ?? defaultDifficulty;
  if (!Number.isInteger(difficulty) || difficulty < 1) {
    throw new Error(`${task}: difficulty must be an integer ≥ 1, got ${options.difficulty}`);
  }
  return difficulty;
}

/** Generates until `count` distinct questions exist (a task's space can be small at low difficulty). */
export function distinctProblems(
  count: number,
  make: (attempt: number) => TaskProblem,
  maxAttempts = count * 50 + 100,
): TaskProblem[] {
  const seen = new Set<string>();
  const problems: TaskProblem[] = [];
  for (let attempt = 0; problems.length < count && attempt < maxAttempts; attempt++) {
    const problem = make(attempt);
    if (seen.has(problem.question)) continue;
    seen.add(problem.question);
    problems.push(problem);
  }
  return problems;
}
