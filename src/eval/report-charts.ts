/**
 * The charts of report.html: pass@k/maj@k against k, accuracy by length, by level and by subject.
 * Every bar and point carries its 95% interval (whiskers) and its count; the y-axis is fitted to
 * what is drawn, intervals included (0.92–0.98 should not look flat on 0–1).
 */
import type { ReportBlock } from "../report/html-page.js";
import type { Interval } from "./metrics/statistics.js";
import type { BenchmarkResult, EvalResults } from "./results.js";

/** Okabe & Ito (2008) colour-blind-safe palette. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"];

/** A y-range around the values (padded, on a 0.02 grid, inside [0, 1]). */
export function fittedRange(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return { min: 0, max: 1 };
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const pad = Math.max(0.02, (high - low) * 0.15);
  return {
    min: Math.max(0, Math.floor((low - pad) * 50) / 50),
    max: Math.min(1, Math.ceil((high + pad) * 50) / 50),
  };
}

/**
 * Wilson score interval for c successes in n trials (Wilson 1927, JASA 22:209):
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = 1.96.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.96): Interval {
  if (trials === 0) return { low: Number.NaN, high: Number.NaN };
  const p = successes / trials;
  const z2 = z * z;
  const center = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

const whiskers = (intervals: (Interval | undefined)[]) =>
  intervals.map((interval) => (interval ? [interval.low, interval.high] : null));

const yAxis = (values: number[], title: string) => ({
  ...fittedRange(values),
  title: { display: true, text: title },
});

export function curveChart(id: string, results: EvalResults, ks: number[]): ReportBlock {
  const entries = Object.entries(results.benchmarks).filter(([, result]) => result.n > 0);
  const drawn: number[] = [];
  const datasets = entries.flatMap(([name, result], position) =>
    (["pass", "maj"] as const).map((kind) => {
      const metrics = ks.map((k) => `${kind}@${k}`);
      const intervals = metrics.map((metric) => result.intervals[metric]);
      for (const interval of intervals) if (interval) drawn.push(interval.low, interval.high);
      return {
        label: `${name} ${kind}@k`,
        data: metrics.map((metric) => result.metrics[metric] ?? null),
        borderColor: PALETTE[position % PALETTE.length],
        backgroundColor: PALETTE[position % PALETTE.length],
        ...(kind === "maj" && { borderDash: [6, 4] }),
        errorBars: whiskers(intervals),
        // One count label per k (on pass@k; maj@k at the same k averages the same problems).
        pointLabels: metrics.map((metric) =>
          kind === "maj" || result.metrics[metric] === undefined
            ? ""
            : `P=${result.problemsPerMetric?.[metric] ?? result.problems}`,
        ),
      };
    }),
  );
  return {
    kind: "chart",
    id,
    title: "pass@k and maj@k against k (whiskers: bootstrap 95% CI; P: problems averaged)",
    config: {
      type: "line",
      data: { labels: ks.map(String), datasets },
      options: {
        scales: { y: yAxis(drawn, "accuracy"), x: { title: { display: true, text: "k" } } },
      },
    },
  };
}

export function lengthChart(id: string, name: string, result: BenchmarkResult, unit: string): ReportBlock {
  const bins = result.accuracyByLength;
  const intervals = bins.map((bin) => wilsonInterval(Math.round(bin.accuracy * bin.samples), bin.samples));
  const estimated =
    result.estimatedTokenSamples > 0 ? `, estimated for ${result.estimatedTokenSamples} samples` : "";
  return {
    kind: "chart",
    id,
    title: `${name}: accuracy against response length (deciles; whiskers: Wilson 95% CI; labels: correct/samples)`,
    config: {
      type: "bar",
      data: {
        labels: bins.map((bin) => `${bin.low}–${bin.high}`),
        datasets: [
          {
            label: "accuracy",
            data: bins.map((bin) => bin.accuracy),
            backgroundColor: PALETTE[0],
            errorBars: whiskers(intervals),
            pointLabels: bins.map((bin) => `${Math.round(bin.accuracy * bin.samples)}/${bin.samples}`),
          },
        ],
      },
      options: {
        scales: {
          y: yAxis(
            intervals.flatMap((interval) => [interval.low, interval.high]),
            "accuracy",
          ),
          x: { title: { display: true, text: `length (${unit}${estimated})` } },
        },
      },
    },
  };
}

export function groupChart(
  id: string,
  title: string,
  groups: BenchmarkResult["byLevel"],
  n: number,
): ReportBlock {
  const names = Object.keys(groups);
  const metrics = ["pass@1", `maj@${n}`];
  const drawn: number[] = [];
  const datasets = metrics.map((metric, position) => {
    const intervals = names.map((name) => groups[name]?.intervals?.[metric]);
    for (const interval of intervals) if (interval) drawn.push(interval.low, interval.high);
    return {
      label: metric,
      data: names.map((name) => groups[name]?.metrics[metric] ?? null),
      backgroundColor: PALETTE[position],
      errorBars: whiskers(intervals),
      pointLabels: names.map((name) => `P=${groups[name]?.problems ?? 0}`),
    };
  });
  return {
    kind: "chart",
    id,
    title: `${title} (whiskers: bootstrap 95% CI; P: problems)`,
    config: {
      type: "bar",
      data: { labels: names, datasets },
      options: { scales: { y: yAxis(drawn, "accuracy") } },
    },
  };
}
