import { type ReportBlock, renderReportPage } from "../report/html-page.js";
import { reportedKs } from "./metrics/pass-at-k.js";
import { curveChart, groupChart, lengthChart } from "./report-charts.js";
import { problemTable, sampleBlocks } from "./report-problems.js";
import type { EvalResults } from "./results.js";
import type { SampleRecord } from "./score.js";
import { metricNames } from "./summary-table.js";

/**
 * The run's configuration as rows (what a reader needs to reproduce or compare it). A sampling run
 * lists every setting, "server default" where none was sent; a rescoring run lists what it read.
 */
function configTable(config: Record<string, unknown>, n: number): ReportBlock {
  const show = (value: unknown) =>
    value === undefined || value === null
      ? "server default"
      : typeof value === "string"
        ? value
        : JSON.stringify(value);
  if (config.command !== "eval")
    return {
      kind: "table",
      caption: "configuration (scored from a file: the sampling settings are the file's)",
      headers: ["setting", "value"],
      rows: [
        ...Object.entries(config).map(([name, value]) => [name, show(value)]),
        ["n (samples per problem)", n],
      ],
    };
  const server = config.engineModel ? `boxed engine on ${String(config.engineModel)}` : show(config.baseUrls);
  const rows: [string, unknown][] = [
    ["model", config.model],
    ["server", server],
    ["temperature", config.temperature],
    ["top_p", config.topP],
    ["max_tokens", config.maxTokens],
    ["n (samples per problem)", config.n],
    ["prompt template", config.prompt],
    ["mode", config.mode],
    ["seed", config.seed],
    ["stop", config.stop],
    ["extra body", config.extraBody],
    ["config hash", config.configHash],
  ];
  return {
    kind: "table",
    caption: "sampling configuration",
    headers: ["setting", "value"],
    rows: rows.map(([name, value]) => [name, show(value)]),
  };
}

/**
 * report.html: the sampling configuration, the pass@k/maj@k curve, per benchmark the metric table,
 * lengths, accuracy by length and by level/subject (bars with counts and 95% CIs), the sortable
 * per-problem table and every sample (collapsed, linked from the table).
 */
export function renderEvalReport(results: EvalResults, records: readonly SampleRecord[] = []): string {
  const longest = Math.max(1, ...Object.values(results.benchmarks).map((result) => result.n));
  const blocks: ReportBlock[] = [
    configTable(results.config, longest),
    curveChart("pass-at-k", results, reportedKs(longest)),
  ];
  const samples: ReportBlock[] = [];
  Object.entries(results.benchmarks).forEach(([name, result], position) => {
    const own = records.filter((record) => record.benchmark === name);
    blocks.push({ kind: "heading", text: name });
    for (const warning of result.warnings ?? []) blocks.push({ kind: "text", text: `warning: ${warning}` });
    blocks.push({
      kind: "table",
      caption: `${result.problems} problems × n=${result.n}; ${result.failures.length} failed requests (${result.errors} samples missing)`,
      headers: ["metric", "value", "95% CI low", "95% CI high", "problems"],
      rows: metricNames(result.n).map((metric) => [
        metric,
        result.metrics[metric]?.toFixed(3) ?? "—",
        result.intervals[metric]?.low.toFixed(3) ?? "—",
        result.intervals[metric]?.high.toFixed(3) ?? "—",
        result.problemsPerMetric?.[metric] ?? result.problems - result.problemsWithoutSamples,
      ]),
    });
    const estimated = result.estimatedTokenSamples
      ? `; token counts estimated for ${result.estimatedTokenSamples} of ${result.samples} samples (n > 1 usage shared by text length)`
      : "";
    blocks.push({
      kind: "table",
      headers: ["length", "mean", "median", "p90", "samples"],
      rows: (["all", "correct", "incorrect"] as const).map((kind) => {
        const lengths = result.lengths[kind];
        const show = (value: number) => (Number.isNaN(value) ? "—" : value.toFixed(0));
        return [kind, show(lengths.mean), show(lengths.median), show(lengths.p90), lengths.count];
      }),
      caption: `lengths in ${results.lengthUnit}${estimated}; truncation rate ${result.truncationRate.toFixed(3)}, no-answer rate ${result.noAnswerRate.toFixed(3)}`,
    });
    blocks.push(lengthChart(`length-${position}`, name, result, results.lengthUnit));
    if (Object.keys(result.byLevel).length > 0)
      blocks.push(groupChart(`level-${position}`, `${name}: by level`, result.byLevel, result.n));
    if (Object.keys(result.bySubject).length > 0)
      blocks.push(groupChart(`subject-${position}`, `${name}: by subject`, result.bySubject, result.n));
    if (result.perProblem.length > 0) blocks.push(problemTable(name, result, own));
    samples.push(...sampleBlocks(own, results.lengthUnit));
  });
  if (samples.length > 0) blocks.push({ kind: "heading", text: "samples" }, ...samples);
  const model = results.config.model ? ` · model ${String(results.config.model)}` : "";
  return renderReportPage({ title: "boxed eval", subtitle: `${results.createdAt}${model}`, blocks });
}
