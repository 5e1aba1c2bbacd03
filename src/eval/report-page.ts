import { type ReportBlock, renderReportPage } from "../report/html-page.js";
import { reportedKs } from "./metrics/pass-at-k.js";
import type { BenchmarkResult, EvalResults } from "./results.js";
import { metricNames } from "./summary-table.js";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

function curveChart(id: string, results: EvalResults): ReportBlock {
  const entries = Object.entries(results.benchmarks).filter(([, result]) => result.n > 0);
  const longest = Math.max(1, ...entries.map(([, result]) => result.n));
  const labels = reportedKs(longest).map(String);
  return {
    kind: "chart",
    id,
    title: "pass@k and maj@k against k",
    config: {
      type: "line",
      data: {
        labels,
        datasets: entries.flatMap(([name, result], position) => [
          {
            label: `${name} pass@k`,
            data: labels.map((k) => result.metrics[`pass@${k}`] ?? null),
            borderColor: COLORS[position % COLORS.length],
          },
          {
            label: `${name} maj@k`,
            data: labels.map((k) => result.metrics[`maj@${k}`] ?? null),
            borderColor: COLORS[position % COLORS.length],
            borderDash: [6, 4],
          },
        ]),
      },
      options: {
        scales: {
          y: { min: 0, max: 1, title: { display: true, text: "accuracy" } },
          x: { title: { display: true, text: "k" } },
        },
      },
    },
  };
}

function lengthChart(id: string, name: string, result: BenchmarkResult, unit: string): ReportBlock {
  return {
    kind: "chart",
    id,
    title: `${name}: accuracy against response length (deciles; samples per bin in brackets)`,
    config: {
      type: "bar",
      data: {
        labels: result.accuracyByLength.map((bin) => `${bin.low}–${bin.high} (${bin.samples})`),
        datasets: [
          {
            label: "accuracy",
            data: result.accuracyByLength.map((bin) => bin.accuracy),
            backgroundColor: "#1f77b4",
          },
        ],
      },
      options: {
        scales: { y: { min: 0, max: 1 }, x: { title: { display: true, text: `length (${unit})` } } },
      },
    },
  };
}

function groupChart(id: string, title: string, groups: BenchmarkResult["byLevel"], n: number): ReportBlock {
  const names = Object.keys(groups);
  return {
    kind: "chart",
    id,
    title,
    config: {
      type: "bar",
      data: {
        labels: names,
        datasets: [
          {
            label: "pass@1",
            data: names.map((name) => groups[name].metrics["pass@1"]),
            backgroundColor: "#1f77b4",
          },
          {
            label: `maj@${n}`,
            data: names.map((name) => groups[name].metrics[`maj@${n}`]),
            backgroundColor: "#ff7f0e",
          },
        ],
      },
      options: { scales: { y: { min: 0, max: 1 } } },
    },
  };
}

/** report.html: summary tables, the pass@k curve, accuracy vs length, and per-level/subject bars. */
export function renderEvalReport(results: EvalResults): string {
  const blocks: ReportBlock[] = [curveChart("pass-at-k", results)];
  Object.entries(results.benchmarks).forEach(([name, result], position) => {
    blocks.push({ kind: "heading", text: name });
    blocks.push({
      kind: "table",
      caption: `${result.problems} problems × n=${result.n}; ${result.failures.length} failed requests`,
      headers: ["metric", "value", "95% CI low", "95% CI high"],
      rows: metricNames(result.n).map((metric) => [
        metric,
        result.metrics[metric].toFixed(3),
        result.intervals[metric].low.toFixed(3),
        result.intervals[metric].high.toFixed(3),
      ]),
    });
    blocks.push({
      kind: "table",
      headers: ["length", "mean", "median", "p90", "samples"],
      rows: (["all", "correct", "incorrect"] as const).map((kind) => {
        const lengths = result.lengths[kind];
        const show = (value: number) => (Number.isNaN(value) ? "—" : value.toFixed(0));
        return [kind, show(lengths.mean), show(lengths.median), show(lengths.p90), lengths.count];
      }),
      caption: `truncation rate ${result.truncationRate.toFixed(3)}, no-answer rate ${result.noAnswerRate.toFixed(3)}`,
    });
    blocks.push(lengthChart(`length-${position}`, name, result, results.lengthUnit));
    if (Object.keys(result.byLevel).length > 0)
      blocks.push(groupChart(`level-${position}`, `${name}: by level`, result.byLevel, result.n));
    if (Object.keys(result.bySubject).length > 0)
      blocks.push(groupChart(`subject-${position}`, `${name}: by subject`, result.bySubject, result.n));
  });
  const model = results.config.model ? ` · model ${String(results.config.model)}` : "";
  return renderReportPage({ title: "boxed eval", subtitle: `${results.createdAt}${model}`, blocks });
}
