import { basename, extname } from "node:path";
import { readJsonl } from "../data/jsonl.js";
import type { Problem } from "../data/types.js";
import type { Sample } from "../sample/types.js";
import type { BenchmarkSamples } from "./score.js";

export interface OfflineSamples {
  benchmarks: BenchmarkSamples[];
  lengthUnit: "tokens" | "characters";
}

export interface OfflineFields {
  /** Field of the gold answer in response-list rows. Default: `gold`, else `answer`. */
  answerField?: string;
  /** Field of the list of responses. Default: `responses`, else `code`. */
  responsesField?: string;
}

type Row = Record<string, unknown>;

function metaOf(row: Row): Record<string, unknown> | undefined {
  const meta: Record<string, unknown> = {};
  if (row.subject !== undefined) meta.subject = row.subject;
  else if (row.type !== undefined) meta.subject = row.type;
  if (row.level !== undefined) meta.level = row.level;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

/** Our samples.jsonl: one row per sample with benchmark, problemId, index, gold, text, usage. */
function fromSampleRecords(rows: Row[], path: string): OfflineSamples {
  const byBenchmark = new Map<string, { problems: Map<string, Problem>; samples: Map<string, Sample[]> }>();
  rows.forEach((row, line) => {
    if (typeof row.text !== "string" || typeof row.gold !== "string") {
      throw new Error(`${path}: row ${line + 1} needs string fields "text" and "gold"`);
    }
    const benchmark = String(row.benchmark ?? basename(path, extname(path)));
    const problemId = String(row.problemId);
    const entry = byBenchmark.get(benchmark) ?? { problems: new Map(), samples: new Map() };
    byBenchmark.set(benchmark, entry);
    if (!entry.problems.has(problemId)) {
      const meta = metaOf(row);
      entry.problems.set(problemId, {
        id: problemId,
        benchmark,
        question: "",
        answer: row.gold,
        ...(meta && { meta }),
      });
    }
    const usage = row.usage as Sample["usage"] | undefined;
    const sample: Sample = {
      problemId,
      index: Number(row.index ?? entry.samples.get(problemId)?.length ?? 0),
      text: row.text,
      finishReason: row.finishReason === "length" ? "length" : "stop",
      usage: {
        promptTokens: usage?.promptTokens ?? 0,
        completionTokens: usage?.completionTokens ?? 0,
        ...(usage?.estimated === true && { estimated: true }),
      },
    };
    entry.samples.set(problemId, [...(entry.samples.get(problemId) ?? []), sample]);
  });
  return {
    lengthUnit: "tokens",
    benchmarks: [...byBenchmark].map(([benchmark, entry]) => ({
      benchmark,
      problems: [...entry.problems.values()],
      samples: entry.samples,
    })),
  };
}

/** Rows with a gold answer and a list of responses (e.g. Qwen2.5-Math's output files, where the list is `code`). */
function fromResponseLists(rows: Row[], path: string, fields: OfflineFields): OfflineSamples {
  const benchmark = basename(path, extname(path));
  const problems: Problem[] = [];
  const samples = new Map<string, Sample[]>();
  rows.forEach((row, line) => {
    const answerField = fields.answerField ?? (row.gold !== undefined ? "gold" : "answer");
    const responsesField = fields.responsesField ?? (row.responses !== undefined ? "responses" : "code");
    const gold = row[answerField];
    const responses = row[responsesField];
    if (gold === undefined || gold === null || String(gold).trim() === "") {
      throw new Error(
        `${path}: row ${line + 1} has no gold answer in field "${answerField}" (set --answer-field)`,
      );
    }
    if (!Array.isArray(responses) || responses.some((response) => typeof response !== "string")) {
      throw new Error(
        `${path}: row ${line + 1} has no list of response strings in field "${responsesField}" (set --responses-field)`,
      );
    }
    const id = String(row.id ?? row.idx ?? row.unique_id ?? line);
    const meta = metaOf(row);
    problems.push({
      id,
      benchmark,
      question: String(row.question ?? row.problem ?? ""),
      answer: String(gold),
      ...(meta && { meta }),
    });
    samples.set(
      id,
      (responses as string[]).map((text, index) => ({
        problemId: id,
        index,
        text,
        finishReason: "stop",
        usage: { promptTokens: 0, completionTokens: text.length },
      })),
    );
  });
  return { lengthUnit: "characters", benchmarks: [{ benchmark, problems, samples }] };
}

/** Reads samples for offline scoring: our samples.jsonl, or rows with a gold answer and a list of responses. */
export function readOfflineSamples(path: string, fields: OfflineFields = {}): OfflineSamples {
  const rows = readJsonl(path);
  if (rows.length === 0) throw new Error(`${path}: no rows`);
  const isRecords = typeof rows[0].text === "string" && rows[0].problemId !== undefined;
  return isRecords ? fromSampleRecords(rows, path) : fromResponseLists(rows, path, fields);
}
