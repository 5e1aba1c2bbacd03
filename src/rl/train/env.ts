import type { Problem } from "../../data/types.js";
import type { ProblemSource } from "./types.js";

/**
 * A custom training task, in the spirit of tinker-cookbook's `Env` / `EnvGroupBuilder` (problems in,
 * a verdict per response out): no edit of `problems.ts` needed. `runTraining(config, { source })`
 * takes what `defineEnv` returns; `data.task` is then only a label. The verdict feeds the
 * `correctness` reward and every other configured reward term, as for the built-in tasks.
 *
 * @example
 * // Train on "reverse the word" problems.
 * const words = ["apple", "river", "stone", "cloud", "lemon", "tiger"];
 * const problem = (word: string): Problem => ({ id: word, benchmark: "reverse", question: `Reverse ${word}:`, answer: [...word].reverse().join("") });
 * const source = defineEnv({
 *   heldOut: words.slice(0, 2).map(problem),
 *   problems: ({ step, count }) => Array.from({ length: count }, (_, i) => problem(words[2 + ((step + i) % 4)])),
 *   grade: (item, response) => response.trim() === item.answer,
 * });
 * await runTraining(parseTrainConfig({ out: "runs/reverse", data: { task: "reverse" } }), { source });
 */
export interface TrainingEnv {
  /** Evaluation problems; never given to training (a training problem with a held-out question is an error). */
  heldOut: Problem[];
  /** The training problems of a step: deterministic in (step, round) so that `--resume` repeats them. */
  problems(request: { step: number; count: number; round: number }): Problem[];
  /** Whether a response solves the problem (may be async: a sandbox, a remote verifier). */
  grade(problem: Problem, response: string): boolean | Promise<boolean>;
}

/** Turns a `TrainingEnv` into the loop's `ProblemSource`, checking what the loop relies on. */
export function defineEnv(env: TrainingEnv): ProblemSource {
  if (env === null || typeof env !== "object") throw new Error("defineEnv: env must be an object");
  for (const key of ["problems", "grade"] as const) {
    if (typeof env[key] !== "function") throw new Error(`defineEnv: env.${key} must be a function`);
  }
  if (!Array.isArray(env.heldOut)) throw new Error("defineEnv: env.heldOut must be an array of problems");
  const heldOutQuestions = new Set(env.heldOut.map((problem) => problem.question));
  return {
    heldOut: env.heldOut,
    batch(step, count, round = 0) {
      const problems = env.problems({ step, count, round });
      if (!Array.isArray(problems) || problems.length !== count) {
        throw new Error(`env.problems: asked for ${count} problems at step ${step}, got ${problems?.length}`);
      }
      const leaked = problems.find((problem) => heldOutQuestions.has(problem.question));
      if (leaked !== undefined) {
        throw new Error(`env.problems: step ${step} returned held-out problem "${leaked.question}"`);
      }
      return problems;
    },
    grade: (items) =>
      Promise.all(items.map(async (item) => Boolean(await env.grade(item.problem, item.response)))),
  };
}
