import { existsSync } from "node:fs";
import { getBenchmark, loadBenchmark } from "../../data/benchmarks.js";
import { loadLocalProblems } from "../../data/local-file.js";
import { createRandom, mixSeed } from "../../data/tasks/random.js";
import { getTask, TASKS } from "../../data/tasks/registry.js";
import type { OperandDistribution } from "../../data/tasks/types.js";
import type { Problem } from "../../data/types.js";
import { gradeBatch } from "../../verify/pool/grade-pool.js";
import type { TrainConfig } from "./config.js";
import type { ProblemSource } from "./types.js";

/** Stream tags so that held-out and training problems come from unrelated seeds. */
const HELD_OUT_STREAM = 0x4e1d;
const TRAIN_STREAM = 0x7a1e;

export interface ProblemSourceOptions {
  /** A synthetic task name (`TASKS`), a problem file path (.jsonl, .json, .csv) or a benchmark name. */
  task: string;
  seed: number;
  /** Seed of the held-out split; default `seed`. */
  heldOutSeed?: number;
  heldOutCount: number;
  difficulty?: number;
  steps?: boolean;
  distractors?: number;
  operands?: OperandDistribution;
}

/**
 * A synthetic task as a problem source: held-out problems from their own seed stream, and training
 * problems of step s from seed (seed, s) with any held-out question removed, so the evaluation set
 * is never trained on and the data order is a pure function of (seed, step) — what `--resume` needs.
 */
function taskSource(options: ProblemSourceOptions): ProblemSource {
  const task = getTask(options.task);
  const common = {
    difficulty: options.difficulty,
    steps: options.steps,
    distractors: options.distractors,
    operands: options.operands,
  };
  const heldOut = task.generate({
    ...common,
    seed: mixSeed(options.heldOutSeed ?? options.seed, HELD_OUT_STREAM),
    count: options.heldOutCount,
  });
  const excluded = new Set(heldOut.map((problem) => problem.question));
  return {
    heldOut,
    batch(step, count, round = 0) {
      const seed = mixSeed(options.seed, TRAIN_STREAM, step, round);
      const generated = task.generate({ ...common, seed, count: count * 2 });
      const kept = generated.filter((problem) => !excluded.has(problem.question)).slice(0, count);
      if (kept.length < count) {
        throw new Error(
          `task ${task.name}: only ${kept.length} fresh problems for step ${step}; raise difficulty`,
        );
      }
      return kept.map((problem) => ({ ...problem, id: `${problem.id}-step${step}-round${round}` }));
    },
    grade: async (items) => items.map((item) => task.verify(item.problem, item.response)),
  };
}

/**
 * A fixed list of problems as a problem source: a seeded shuffle, the first `heldOutCount` problems
 * held out, the rest cycled through for training; answers graded by the verifier's worker pool.
 */
function listSource(name: string, problems: Problem[], options: ProblemSourceOptions): ProblemSource {
  const shuffled = createRandom(mixSeed(options.heldOutSeed ?? options.seed, HELD_OUT_STREAM)).shuffle(
    problems,
  );
  const heldOut = shuffled.slice(0, options.heldOutCount);
  const training = shuffled.slice(options.heldOutCount);
  if (training.length === 0) {
    throw new Error(
      `${name}: no problems left for training after holding out ${options.heldOutCount} of ${problems.length} (lower evaluation.problems)`,
    );
  }
  return {
    heldOut,
    batch(step, count, round = 0) {
      const offset = (step * 7919 + round * 104729) * count;
      return Array.from({ length: count }, (_, index) => training[(offset + index) % training.length]);
    },
    async grade(items) {
      const grades = await gradeBatch(
        items.map((item) => ({ gold: item.problem.answer, response: item.response })),
      );
      return grades.map((grade) => grade.correct);
    },
  };
}

/** Whether `data.task` names a local problem file (by its extension). */
function isProblemFile(task: string): boolean {
  return /\.(jsonl|ndjson|json|csv)$/i.test(task);
}

/**
 * The source for a config's `data.task`: a synthetic task when one has that name, a local
 * `.jsonl`/`.json`/`.csv` file of `{question | problem, answer}` rows, else a benchmark.
 */
export function createProblemSource(options: ProblemSourceOptions): ProblemSource {
  if (!Number.isInteger(options.heldOutCount) || options.heldOutCount < 0) {
    throw new Error(`heldOutCount must be a non-negative integer, got ${options.heldOutCount}`);
  }
  if (TASKS.has(options.task)) return taskSource(options);
  if (isProblemFile(options.task)) {
    if (!existsSync(options.task)) throw new Error(`data.task: no such problem file ${options.task}`);
    return listSource(`data.task ${options.task}`, loadLocalProblems(options.task), options);
  }
  try {
    getBenchmark(options.task);
    return listSource(`benchmark ${options.task}`, loadBenchmark(options.task), options);
  } catch (error) {
    throw new Error(
      `data.task "${options.task}" is neither a synthetic task (${[...TASKS.keys()].join(", ")}) nor a usable benchmark: ${(error as Error).message}`,
    );
  }
}

export type { Problem };

/** The problem source of a training config (its task, seeds, held-out split and task options). */
export function configProblemSource(config: TrainConfig): ProblemSource {
  return createProblemSource({
    task: config.data.task,
    seed: config.seed,
    heldOutSeed: config.evaluation.seed,
    heldOutCount: config.evaluation.problems,
    difficulty: config.data.difficulty,
    steps: config.data.steps,
    distractors: config.data.distractors,
    operands: config.data.operands,
  });
}
