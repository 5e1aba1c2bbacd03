/** The analyzer's report: a table and an accuracy-vs-average-tokens scatter chart (Chart.js config). */
import type { ReportPage } from "../../report/html-page.js";
import type { StrategyResult } from "./types.js";

export function analysisTableRows(results: readonly StrategyResult[]): (string | number)[][] {
  return results.map((result) => [
    result.strategy,
    result.accuracy.toFixed(4),
    result.avgSamples.toFixed(2),
    Math.round(result.avgTokens),
    result.method,
  ]);
}

export const ANALYSIS_HEADERS = ["strategy", "accuracy", "avg samples", "avg tokens", "method"];

export function analysisPage(results: readonly StrategyResult[], source: string): ReportPage {
  const datasets = results.map((result) => ({
    label: result.strategy,
    data: [{ x: Math.round(result.avgTokens), y: Number(result.accuracy.toFixed(4)) }],
    pointRadius: 6,
  }));
  return {
    title: "Test-time scaling: accuracy against tokens",
    subtitle: `samples: ${source}`,
    blocks: [
      {
        kind: "chart",
        id: "accuracy-tokens",
        title: "Accuracy vs average tokens per problem",
        config: {
          type: "scatter",
          data: { datasets },
          options: {
            maintainAspectRatio: false,
            scales: {
              x: { title: { display: true, text: "average completion tokens per problem" } },
              y: { title: { display: true, text: "accuracy (ties: fraction correct)" } },
            },
          },
        },
      },
      { kind: "table", headers: ANALYSIS_HEADERS, rows: analysisTableRows(results) },
      ...results
        .filter((result) => result.notes)
        .map((result) => ({ kind: "text" as const, text: `${result.strategy}: ${result.notes}` })),
    ],
  };
}
