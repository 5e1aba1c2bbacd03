import { formatFraction, formatTable } from "../report/terminal-table.js";
import { reportedKs } from "./metrics/pass-at-k.js";
import type { EvalResults } from "./results.js";

/** The metric names of a run with n samples per problem, in display order. */
export function metricNames(n: number): string[] {
  if (n === 0) return [];
  const ks = reportedKs(n);
  return [...ks.map((k) => `pass@${k}`), ...ks.filter((k) => k > 1).map((k) => `maj@${k}`), `avg@${n}`];
}

/** ", estimated for k of m samples" when some token counts are estimates (n > 1 usage shared by length). */
export function estimatedNote(estimated: number | undefined, samples: number): string {
  return estimated ? `, estimated for ${estimated} of ${samples} samples` : "";
}

/** The terminal summary: one table per benchmark with each metric, its 95% CI, lengths and rates. */
export function formatSummary(results: EvalResults): string {
  const parts: string[] = [];
  for (const [name, result] of Object.entries(results.benchmarks)) {
    const uneven = result.minSamples !== result.n;
    const rows: (string | number)[][] = metricNames(result.n).map((metric) => [
      // With uneven pools each metric says how many problems it averages over.
      uneven ? `${metric} (${result.problemsPerMetric[metric] ?? 0} problems)` : metric,
      formatFraction(result.metrics[metric]),
      `${formatFraction(result.intervals[metric]?.low)}–${formatFraction(result.intervals[metric]?.high)}`,
    ]);
    const unit = results.lengthUnit;
    rows.push(
      [
        `length mean/median/p90 (${unit}${estimatedNote(result.estimatedTokenSamples, result.samples)})`,
        result.lengths.all.mean.toFixed(0),
        `${result.lengths.all.median.toFixed(0)} / ${result.lengths.all.p90.toFixed(0)}`,
      ],
      [
        `length correct / incorrect`,
        Number.isNaN(result.lengths.correct.mean) ? "—" : result.lengths.correct.mean.toFixed(0),
        Number.isNaN(result.lengths.incorrect.mean) ? "—" : result.lengths.incorrect.mean.toFixed(0),
      ],
      ["truncation rate", formatFraction(result.truncationRate), ""],
      ["no-answer rate", formatFraction(result.noAnswerRate), ""],
      [
        "server errors (requests)",
        result.failures.length,
        result.errors > 0 ? `${result.errors} samples missing` : "",
      ],
    );
    if (result.tools) {
      const tools = result.tools;
      rows.push(
        [
          "tool calls per sample",
          tools.toolCallsPerSample.toFixed(2),
          `${formatFraction(tools.toolUseRate)} of samples call`,
        ],
        [
          "tool error rate",
          formatFraction(tools.toolErrorRate),
          `${tools.toolSecondsPerSample.toFixed(2)} s in the sandbox per sample`,
        ],
        [
          "accuracy with / without tool calls",
          formatFraction(tools.accuracyWithToolCalls),
          formatFraction(tools.accuracyWithoutToolCalls),
        ],
      );
    }
    const perProblem = result.minSamples !== result.n ? `${result.minSamples}–${result.n}` : `${result.n}`;
    const title = `${name}: ${result.problems} problems × n=${perProblem} (${result.samples} samples)`;
    parts.push(formatTable(["metric", "value", "95% CI"], rows, { title }));
    for (const warning of result.warnings ?? []) parts.push(`warning (${name}): ${warning}\n`);
  }
  return parts.join("\n");
}
