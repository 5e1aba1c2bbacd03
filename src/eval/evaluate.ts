import { existsSync } from "node:fs";
import { join } from "node:path";
import type { PromptMessage, PromptTemplate } from "../data/prompts.js";
import type { Problem } from "../data/types.js";
import type { Sampler } from "../sample/openai-sampler.js";
import type { SampleError } from "../sample/retry.js";
import { SampleStore, type StoreScope } from "../store/sample-store.js";
import { toolMetrics } from "../tools/metrics.js";
import type { Equivalence } from "./metrics/cluster.js";
import { computeMetrics } from "./metrics/summary.js";
import { writeRunOutputs } from "./outputs.js";
import { type EvalPlan, planRequests } from "./plan.js";
import { ProgressBar } from "./progress.js";
import { type BenchmarkResult, buildResults, type EvalResults } from "./results.js";
import { type RequestFailure, runSampling } from "./run-sampling.js";
import { type BatchGrader, type BenchmarkSamples, type SampleRecord, scoreSamples } from "./score.js";

export interface ScoringOptions {
  grader: BatchGrader;
  equivalent: Equivalence;
  template?: Pick<PromptTemplate, "thinking">;
  n?: number;
  config: Record<string, unknown>;
  lengthUnit: EvalResults["lengthUnit"];
  failures?: RequestFailure[];
  /** Run directory; outputs are written when given. */
  out?: string;
  seed?: number;
}

/** Grades samples, computes every metric per benchmark and writes the run directory. */
export async function scoreAndReport(
  benchmarks: BenchmarkSamples[],
  options: ScoringOptions,
): Promise<{ results: EvalResults; records: SampleRecord[] }> {
  const records: SampleRecord[] = [];
  const perBenchmark: Record<string, BenchmarkResult> = {};
  for (const input of benchmarks) {
    const failures = (options.failures ?? []).filter((failure) => failure.benchmark === input.benchmark);
    const errors = new Map<string, number>();
    for (const failure of failures)
      errors.set(failure.problemId, (errors.get(failure.problemId) ?? 0) + failure.count);
    const scored = await scoreSamples({ ...input, errors }, options.grader, {
      template: options.template,
      n: options.n,
    });
    records.push(...scored.records);
    const metrics = computeMetrics(scored.scored, { equivalent: options.equivalent, seed: options.seed });
    const tools = scored.records.some((record) => record.turns) ? { tools: toolMetrics(scored.records) } : {};
    const estimatedTokenSamples = scored.records.filter((record) => record.usage.estimated).length;
    perBenchmark[input.benchmark] = { ...metrics, failures, estimatedTokenSamples, ...tools };
  }
  const results = buildResults(options.config, perBenchmark, options.lengthUnit);
  if (options.out) writeRunOutputs(options.out, results, records);
  return { results, records };
}

export interface EvaluationOptions {
  benchmarks: { name: string; problems: Problem[] }[];
  sampler: Sampler;
  storePath: string;
  scope: StoreScope;
  template: PromptTemplate;
  mode: "chat" | "completion";
  renderChat?: (messages: PromptMessage[]) => string;
  n: number;
  samplesPerRequest: number;
  concurrency: number;
  scoring: Omit<ScoringOptions, "failures" | "n" | "template" | "lengthUnit">;
  progress?: boolean;
  onPlan?: (plan: EvalPlan) => void;
}

export interface EvaluationOutcome {
  results: EvalResults;
  failures: RequestFailure[];
  /** The error that stopped sampling early, if any (the CLI reports it and exits 1). */
  fatal: SampleError | null;
  /** False when every request failed and earlier results in the run directory were kept as they were. */
  written: boolean;
}

/**
 * The online evaluation: plan what is missing from the store, sample it (persisting each sample
 * as it arrives), then grade, score and write the run directory from everything stored. A run in
 * which every request failed leaves an existing results.json untouched (the failures are returned).
 */
export async function runEvaluation(options: EvaluationOptions): Promise<EvaluationOutcome> {
  const store = new SampleStore(options.storePath);
  try {
    const load = () =>
      options.benchmarks.map((benchmark) => ({
        ...benchmark,
        stored: store.load(benchmark.name, options.scope),
      }));
    const plan = planRequests(load(), options.n, options.samplesPerRequest);
    options.onPlan?.(plan);
    const progress = options.progress === false ? null : new ProgressBar(plan.missing);
    const { failures, fatal, stored } = await runSampling({
      requests: plan.requests,
      sampler: options.sampler,
      store,
      scope: options.scope,
      template: options.template,
      mode: options.mode,
      renderChat: options.renderChat,
      concurrency: options.concurrency,
      onSample: () => progress?.advance(),
      onError: () => progress?.error(),
    }).finally(() => progress?.finish());
    const samples = load().map((benchmark) => ({
      benchmark: benchmark.name,
      problems: benchmark.problems,
      samples: benchmark.stored,
    }));
    const out = options.scoring.out;
    const allFailed = plan.requests.length > 0 && stored === 0;
    const keep = allFailed && out !== undefined && existsSync(join(out, "results.json"));
    const { results } = await scoreAndReport(samples, {
      ...options.scoring,
      ...(keep && { out: undefined }),
      failures,
      n: options.n,
      template: options.template,
      lengthUnit: "tokens",
    });
    return { results, failures, fatal, written: out !== undefined && !keep };
  } finally {
    store.close();
  }
}
