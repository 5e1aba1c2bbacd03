import { join } from "node:path";
import { gsm8kAnswer, lastBoxedContent } from "./boxed-gold.js";
import { readJsonl } from "./jsonl.js";
import { shippedBenchmarksDir } from "./package-paths.js";
import type { Problem } from "./types.js";

type Row = Record<string, unknown>;

/** One benchmark: its shipped file and how a row maps to a Problem (gold answer extraction included). */
export interface Benchmark {
  name: string;
  file: string;
  description: string;
  toProblem(row: Row, index: number): Problem;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function requireField(benchmark: string, index: number, field: string, value: string | null): string {
  if (value === null || value.trim() === "") {
    throw new Error(`benchmark ${benchmark}: row ${index + 1} has no ${field}`);
  }
  return value;
}

function problemFrom(
  benchmark: string,
  index: number,
  fields: { id: unknown; question: unknown; answer: string | null; meta?: Record<string, unknown> },
): Problem {
  return {
    id: text(fields.id) ?? String(index),
    benchmark,
    question: requireField(benchmark, index, "question", text(fields.question)),
    answer: requireField(benchmark, index, "gold answer", fields.answer),
    ...(fields.meta ? { meta: fields.meta } : {}),
  };
}

const list: Benchmark[] = [
  {
    name: "aime24",
    file: "aime24.jsonl",
    description: "AIME 2024 I+II (30 problems, integer answers)",
    toProblem: (row, index) =>
      problemFrom("aime24", index, { id: row.id, question: row.problem, answer: text(row.answer) }),
  },
  {
    name: "aime25",
    file: "aime25.jsonl",
    description: "AIME 2025 I+II (30 problems, integer answers)",
    toProblem: (row, index) =>
      problemFrom("aime25", index, { id: row.id, question: row.problem, answer: text(row.answer) }),
  },
  {
    name: "amc23",
    file: "amc23.jsonl",
    description: "AMC 12 2023 (40 problems)",
    toProblem: (row, index) =>
      problemFrom("amc23", index, {
        id: row.id,
        question: row.problem ?? row.question,
        answer: text(row.answer), // stored as 27.0; JSON.parse gives 27
      }),
  },
  {
    name: "math500",
    file: "math500.jsonl",
    description: "MATH-500, the PRM800K test subset (subject, level)",
    toProblem: (row, index) =>
      problemFrom("math500", index, {
        id: row.unique_id,
        question: row.problem,
        answer: text(row.answer),
        meta: { subject: row.subject, level: row.level },
      }),
  },
  {
    name: "minerva_math",
    file: "minerva_math.jsonl",
    description: "Minerva Math (OCW), gold = last \\boxed{} of the solution",
    toProblem: (row, index) =>
      problemFrom("minerva_math", index, {
        id: row.idx,
        question: row.problem,
        answer: lastBoxedContent(text(row.solution) ?? ""),
        meta: { subject: row.type },
      }),
  },
  {
    name: "olympiadbench",
    file: "olympiadbench.jsonl",
    description: "OlympiadBench, English text-only math (subfield)",
    toProblem: (row, index) =>
      problemFrom("olympiadbench", index, {
        id: row.id,
        question: row.question,
        answer: Array.isArray(row.final_answer)
          ? row.final_answer.map(String).join(", ")
          : text(row.final_answer),
        meta: { subject: row.subfield, answerType: row.answer_type, unit: row.unit },
      }),
  },
  {
    name: "gsm8k",
    file: "gsm8k.jsonl",
    description: "GSM8K test, gold = number after ####",
    toProblem: (row, index) =>
      problemFrom("gsm8k", index, {
        id: row.idx,
        question: row.question,
        answer: gsm8kAnswer(text(row.answer) ?? ""),
      }),
  },
];

/** The benchmark registry: name → benchmark. */
export const benchmarks: ReadonlyMap<string, Benchmark> = new Map(
  list.map((benchmark) => [benchmark.name, benchmark]),
);

/** Looks a benchmark up by name; an unknown name throws an error listing the known ones. */
export function getBenchmark(name: string): Benchmark {
  const benchmark = benchmarks.get(name);
  if (!benchmark) {
    throw new Error(`unknown benchmark "${name}"; known benchmarks: ${[...benchmarks.keys()].join(", ")}`);
  }
  return benchmark;
}

/** Loads a benchmark's problems from the shipped copy (or from `directory`, e.g. the shared test copies). */
export function loadBenchmark(name: string, options: { directory?: string } = {}): Problem[] {
  const benchmark = getBenchmark(name);
  const rows = readJsonl(join(options.directory ?? shippedBenchmarksDir(), benchmark.file));
  return rows.map((row, index) => benchmark.toProblem(row, index));
}
