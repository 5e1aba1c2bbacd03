/** The analyzer's report: a table and an accuracy-vs-average-tokens scatter chart (Chart.js config). */
import type { ReportPage } from "../../report/html-page.js";
import type { StrategyResult } from "./types.js";

export function analysisTableRows(
  results: readonly StrategyResult[],
  withInterval = false,
): (string | number)[][] {
  return results.map((result) => [
    result.strategy,
    result.accuracy.toFixed(4),
    result.avgSamples.toFixed(2),
    Math.round(result.avgTokens),
    result.method,
    ...(withInterval
      ? [
          result.accuracyInterval
            ? `${result.accuracyInterval.low.toFixed(4)}–${result.accuracyInterval.high.toFixed(4)}`
            : "—",
        ]
      : []),
  ]);
}

export const ANALYSIS_HEADERS = ["strategy", "accuracy", "avg samples", "avg tokens", "method"];

/** Okabe & Ito (2008) colour-blind-safe palette, one colour per strategy. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"];

export interface AnalysisPageOptions {
  /** The samples file. */
  source: string;
  /** Where correctness came from. */
  labels: "file" | "verify";
  /** Traces whose token counts are estimates, out of all traces. */
  estimatedTokens: { estimated: number; traces: number; how: string };
}

/**
 * The analyzer's page: each strategy is a labelled point (accuracy against average tokens) with its
 * 95% interval over problems as whiskers; the subtitle says where labels came from and whether
 * token counts are measured or estimated.
 */
export function analysisPage(results: readonly StrategyResult[], options: AnalysisPageOptions): ReportPage {
  const datasets = results.map((result, position) => ({
    label: result.strategy,
    data: [{ x: Math.round(result.avgTokens), y: Number(result.accuracy.toFixed(4)) }],
    pointRadius: 6,
    borderColor: PALETTE[position % PALETTE.length],
    backgroundColor: PALETTE[position % PALETTE.length],
    pointLabels: [result.strategy],
    errorBars: [result.accuracyInterval ? [result.accuracyInterval.low, result.accuracyInterval.high] : null],
  }));
  const bounds = results.flatMap((result) => [
    result.accuracyInterval?.low ?? result.accuracy,
    result.accuracyInterval?.high ?? result.accuracy,
  ]);
  const low = Math.min(...bounds);
  const high = Math.max(...bounds);
  const pad = Math.max(0.01, (high - low) * 0.15);
  const { estimated, traces, how } = options.estimatedTokens;
  const tokens =
    estimated === 0 ? "tokens (counted)" : `tokens (estimated: ${how}, for ${estimated} of ${traces} traces)`;
  return {
    title: "Test-time scaling: accuracy against tokens",
    subtitle: `samples: ${options.source} · labels: ${options.labels === "file" ? "from the file" : "graded by the verifier"} · ${tokens}`,
    blocks: [
      {
        kind: "chart",
        id: "accuracy-tokens",
        title: "Accuracy vs average tokens per problem (whiskers: 95% CI over problems)",
        config: {
          type: "scatter",
          data: { datasets },
          options: {
            maintainAspectRatio: false,
            plugins: { legend: { position: "bottom" } },
            scales: {
              x: { title: { display: true, text: `average completion ${tokens} per problem` } },
              y: {
                min: Math.max(0, Math.floor((low - pad) * 100) / 100),
                max: Math.min(1, Math.ceil((high + pad) * 100) / 100),
                title: { display: true, text: "accuracy (ties: fraction correct)" },
              },
            },
          },
        },
      },
      { kind: "table", headers: [...ANALYSIS_HEADERS, "95% CI"], rows: analysisTableRows(results, true) },
      ...results
        .filter((result) => result.notes)
        .map((result) => ({ kind: "text" as const, text: `${result.strategy}: ${result.notes}` })),
    ],
  };
}
