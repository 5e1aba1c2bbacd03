/**
 * Builds per-problem pools from sample files. Two row shapes are read:
 *  - one row per problem with `code: string[]` (responses), `answer` (gold), optional `score: boolean[]`
 *    (a peer's labels) and `pred_score: number[][]` (reward-model scores) — the Qwen evaluation layout;
 *  - one row per sample (`boxed eval`'s samples.jsonl): `problemId`, `text`, `gold`, optional `correct`,
 *    `usage.completionTokens`, `reward`, `logprobs`, `topLogprobs`.
 * Answers are extracted and clustered by verifier equivalence (never string equality); correctness
 * comes from the file's labels (`labels: "file"`) or from grading each response against the gold.
 * Problems are keyed by benchmark and id (`gsm8k/0` and `amc23/0` are two problems); a row without
 * a benchmark (`benchmark`, else `data_source`) keeps its bare id, so older files read as before.
 */
import { clusterAnswers } from "../../eval/metrics/cluster.js";
import { areEquivalent, extractAnswer, gradeSync } from "../../verify/index.js";
import { traceConfidence } from "../strategies/confidence.js";
import type { PoolTrace, ProblemPool } from "./types.js";

export interface PoolOptions {
  /** Where correctness comes from. Default "verify". */
  labels?: "file" | "verify";
  /** Token count of a response; default: the row's usage, else ⌈characters / 4⌉. */
  countTokens?: (text: string) => number;
}

interface RawSample {
  /** The benchmark-qualified id, `benchmark/problemId` (problem ids count from 0 in every benchmark). */
  problemId: string;
  gold: string;
  text: string;
  fileLabel?: boolean;
  tokens?: number;
  /** The row's token count is itself an estimate (`usage.estimated`). */
  tokensEstimated?: boolean;
  features: Record<string, number>;
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** `benchmark/id` when the row names its benchmark, else the bare id. */
export function qualifiedProblemId(row: Record<string, unknown>, id: string): string {
  const benchmark = row.benchmark ?? row.data_source;
  return typeof benchmark === "string" && benchmark !== "" ? `${benchmark}/${id}` : id;
}

function asRecord(row: unknown, line: number): Record<string, unknown> {
  if (typeof row !== "object" || row === null || Array.isArray(row))
    throw new Error(`samples line ${line}: not a JSON object`);
  return row as Record<string, unknown>;
}

/** The Qwen layout: one row, several responses. */
function problemRowSamples(row: Record<string, unknown>, line: number): RawSample[] {
  const code = row.code as unknown[];
  const gold = row.answer ?? row.gt;
  if (typeof gold !== "string")
    throw new Error(`samples line ${line}: field "answer" (gold) must be a string`);
  const labels = Array.isArray(row.score) ? row.score : undefined;
  const rewards = Array.isArray(row.pred_score) ? row.pred_score : undefined;
  return code.map((text, index): RawSample => {
    if (typeof text !== "string") throw new Error(`samples line ${line}: code[${index}] must be a string`);
    const reward = rewards?.[index];
    const value = Array.isArray(reward) ? reward[0] : reward;
    return {
      problemId: qualifiedProblemId(row, String(row.idx ?? row.id ?? line)),
      gold,
      text,
      fileLabel: labels ? Boolean(labels[index]) : undefined,
      features: typeof value === "number" ? { reward: value } : ({} as Record<string, number>),
    };
  });
}

/** The eval layout: one row per sample. */
function sampleRowSample(row: Record<string, unknown>, line: number): RawSample {
  const { problemId, text, gold } = row;
  if (typeof problemId !== "string" || typeof text !== "string" || typeof gold !== "string") {
    throw new Error(
      `samples line ${line}: expected string fields problemId, text, gold (or a problem row with code[])`,
    );
  }
  const features: Record<string, number> = {};
  if (typeof row.reward === "number") features.reward = row.reward;
  const logprobs = row.logprobs as number[] | undefined;
  if (Array.isArray(logprobs) && logprobs.length > 0)
    features.meanLogprob = logprobs.reduce((a, b) => a + b, 0) / logprobs.length;
  const top = row.topLogprobs as Record<string, number>[] | undefined;
  if (Array.isArray(top) && top.length > 0)
    Object.assign(features, traceConfidence(top.map((step) => Object.values(step))));
  const usage = row.usage as { completionTokens?: number; estimated?: boolean } | undefined;
  return {
    problemId: qualifiedProblemId(row, problemId),
    gold,
    text,
    fileLabel: typeof row.correct === "boolean" ? row.correct : undefined,
    tokens: usage?.completionTokens,
    ...(usage?.estimated === true && { tokensEstimated: true }),
    features,
  };
}

function toPool(problemId: string, samples: readonly RawSample[], options: PoolOptions): ProblemPool {
  const golds = [...new Set(samples.map((sample) => sample.gold))];
  if (golds.length > 1)
    throw new Error(
      `problem ${problemId}: samples with different golds (${golds
        .slice(0, 3)
        .map((gold) => JSON.stringify(gold))
        .join(", ")}); ` +
        "rows of several benchmarks need a benchmark field so that their ids do not collide",
    );
  const answers = samples.map((sample) => extractAnswer(sample.text).answer);
  const clusters = clusterAnswers(answers, (first, second) => areEquivalent(first, second));
  const traces: PoolTrace[] = samples.map((sample, index) => {
    let correct: boolean;
    if (options.labels === "file") {
      if (sample.fileLabel === undefined)
        throw new Error(`labels=file: problem ${problemId} has a sample without a label`);
      correct = sample.fileLabel;
    } else correct = gradeSync(sample.gold, sample.text).correct;
    return {
      cluster: clusters[index] as number,
      correct: correct ? 1 : 0,
      tokens: sample.tokens ?? (options.countTokens ?? estimateTokens)(sample.text),
      features: sample.features,
    };
  });
  // Tokens are estimates when the row's were, or when neither the row nor a tokenizer counted them.
  const estimatedTokens = samples.filter(
    (sample) => sample.tokensEstimated || (sample.tokens === undefined && !options.countTokens),
  ).length;
  return { problemId, traces, ...(estimatedTokens > 0 && { estimatedTokens }) };
}

/** Pools from parsed JSONL rows, problems in order of first appearance. */
export function poolsFromRows(rows: readonly unknown[], options: PoolOptions = {}): ProblemPool[] {
  const byProblem = new Map<string, RawSample[]>();
  rows.forEach((row, index) => {
    const record = asRecord(row, index + 1);
    const samples = Array.isArray(record.code)
      ? problemRowSamples(record, index + 1)
      : [sampleRowSample(record, index + 1)];
    for (const sample of samples) {
      const list = byProblem.get(sample.problemId) ?? [];
      list.push(sample);
      byProblem.set(sample.problemId, list);
    }
  });
  return [...byProblem].map(([problemId, samples]) => toPool(problemId, samples, options));
}
