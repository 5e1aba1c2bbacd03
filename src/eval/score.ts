import type { PromptTemplate } from "../data/prompts.js";
import type { Problem } from "../data/types.js";
import type { Sample } from "../sample/types.js";
import type { Grade } from "../verify/types.js";
import type { ScoredProblem } from "./metrics/types.js";
import { gradableResponse } from "./response-answer.js";

/** One line of samples.jsonl: the response with its extraction and grade. */
export interface SampleRecord {
  benchmark: string;
  problemId: string;
  index: number;
  subject?: string;
  level?: string;
  gold: string;
  text: string;
  finishReason: Sample["finishReason"];
  usage: Sample["usage"];
  truncated: boolean;
  predicted: string | null;
  correct: boolean;
  reason: Grade["reason"];
  ruleFired: string | null;
  /** Tool-using samples: every turn (generated text, code runs and their output). */
  turns?: Sample["turns"];
}

export type BatchGrader = (items: { gold: string; response: string }[]) => Promise<Grade[]>;

export interface BenchmarkSamples {
  benchmark: string;
  problems: Problem[];
  samples: Map<string, Sample[]>;
  /** Failed requests' sample counts per problem (server errors, reported apart). */
  errors?: Map<string, number>;
}

const metaText = (value: unknown) => (value === undefined || value === null ? undefined : String(value));

/**
 * Grades every sample (only indices < n when n is given) and returns the samples.jsonl records
 * and the metrics' input. Unclosed reasoning traces are not graded: no answer, truncated.
 */
export async function scoreSamples(
  input: BenchmarkSamples,
  grader: BatchGrader,
  options: { template?: Pick<PromptTemplate, "thinking">; n?: number } = {},
): Promise<{ records: SampleRecord[]; scored: ScoredProblem[] }> {
  const pending: { problem: Problem; sample: Sample; response: string | null }[] = [];
  for (const problem of input.problems) {
    for (const sample of input.samples.get(problem.id) ?? []) {
      if (options.n !== undefined && sample.index >= options.n) continue;
      pending.push({ problem, sample, response: gradableResponse(sample.text, options.template).text });
    }
  }
  const toGrade = pending.filter((entry) => entry.response !== null);
  const grades = await grader(
    toGrade.map((entry) => ({ gold: entry.problem.answer, response: entry.response as string })),
  );
  const gradeOf = new Map(toGrade.map((entry, position) => [entry, grades[position]]));
  const records = pending.map((entry): SampleRecord => {
    const grade = gradeOf.get(entry);
    return {
      benchmark: input.benchmark,
      problemId: entry.problem.id,
      index: entry.sample.index,
      ...(metaText(entry.problem.meta?.subject) !== undefined && {
        subject: metaText(entry.problem.meta?.subject),
      }),
      ...(metaText(entry.problem.meta?.level) !== undefined && {
        level: metaText(entry.problem.meta?.level),
      }),
      gold: entry.problem.answer,
      text: entry.sample.text,
      finishReason: entry.sample.finishReason,
      usage: entry.sample.usage,
      truncated: entry.sample.finishReason === "length" || entry.response === null,
      predicted: grade?.predicted ?? null,
      correct: grade?.correct ?? false,
      reason: grade?.reason ?? "no_answer",
      ruleFired: grade?.ruleFired ?? null,
      ...(entry.sample.turns && { turns: entry.sample.turns }),
    };
  });
  const byProblem = new Map<string, SampleRecord[]>();
  for (const record of records)
    byProblem.set(record.problemId, [...(byProblem.get(record.problemId) ?? []), record]);
  const scored = input.problems.map(
    (problem): ScoredProblem => ({
      problemId: problem.id,
      benchmark: input.benchmark,
      subject: metaText(problem.meta?.subject),
      level: metaText(problem.meta?.level),
      errors: input.errors?.get(problem.id) ?? 0,
      samples: (byProblem.get(problem.id) ?? [])
        .sort((a, b) => a.index - b.index)
        .map((record) => ({
          correct: record.correct,
          answer: record.predicted,
          completionTokens: record.usage.completionTokens,
          truncated: record.truncated,
        })),
    }),
  );
  return { records, scored };
}
