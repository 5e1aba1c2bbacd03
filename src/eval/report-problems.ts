/**
 * report.html's per-problem table (sortable: click a header) and the samples it links to: each
 * sample is a collapsed block with its extracted answer, grade, tokens and text, opened by its link.
 */
import type { ReportBlock, TableCell } from "../report/html-page.js";
import type { BenchmarkResult } from "./results.js";
import type { SampleRecord } from "./score.js";

/** Characters of a sample's text shown in the page (head and tail; the full text is in samples.jsonl). */
const SHOWN = { head: 2_000, tail: 4_000 };

export function sampleAnchor(record: Pick<SampleRecord, "benchmark" | "problemId" | "index">): string {
  return `sample-${record.benchmark}-${record.problemId}-${record.index}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

function shownText(text: string): string {
  if (text.length <= SHOWN.head + SHOWN.tail) return text;
  const cut = text.length - SHOWN.head - SHOWN.tail;
  return `${text.slice(0, SHOWN.head)}\n\n[… ${cut} characters left out; the full text is in samples.jsonl …]\n\n${text.slice(-SHOWN.tail)}`;
}

/** "18 ×5 · 17 ×2 · none ×1": the extracted answers of a problem's samples, most frequent first. */
function answerCounts(records: readonly SampleRecord[]): string {
  const counts = new Map<string, number>();
  for (const record of records) {
    const answer = record.predicted ?? "none";
    counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([answer, count]) => `${answer} ×${count}`)
    .join(" · ");
}

export function problemTable(
  name: string,
  result: BenchmarkResult,
  records: readonly SampleRecord[],
): ReportBlock {
  const byProblem = new Map<string, SampleRecord[]>();
  for (const record of records)
    byProblem.set(record.problemId, [...(byProblem.get(record.problemId) ?? []), record]);
  const rows: TableCell[][] = result.perProblem.map((problem) => {
    const samples = (byProblem.get(problem.problemId) ?? []).sort((a, b) => a.index - b.index);
    return [
      problem.problemId,
      samples[0]?.gold ?? "",
      problem.samples,
      problem.correct,
      problem.samples === 0 ? "—" : (problem.correct / problem.samples).toFixed(3),
      problem.prediction ?? "none",
      problem.predictionCorrect ? "yes" : "no",
      answerCounts(samples),
      problem.errors,
      {
        links: samples.map((sample) => ({
          text: `${sample.index}${sample.correct ? "✓" : "✗"}`,
          href: `#${sampleAnchor(sample)}`,
        })),
      },
    ];
  });
  return {
    kind: "table",
    sortable: true,
    caption: `${name}: per problem (click a header to sort; a sample's link opens it below)`,
    headers: [
      "problem",
      "gold",
      "samples",
      "correct",
      "accuracy",
      "majority",
      "majority correct",
      "extracted answers",
      "errors",
      "samples",
    ],
    rows,
  };
}

export function sampleBlocks(records: readonly SampleRecord[], unit: string): ReportBlock[] {
  return records.map((record) => ({
    kind: "details",
    id: sampleAnchor(record),
    summary:
      `${record.benchmark}/${record.problemId} #${record.index} · ${record.correct ? "correct" : "wrong"} · ` +
      `extracted ${record.predicted ?? "none"} (gold ${record.gold}) · ${record.usage.completionTokens} ${unit}` +
      `${record.usage.estimated ? " (estimated)" : ""} · ${record.finishReason}${record.truncated ? ", truncated" : ""}`,
    body: shownText(record.text),
  }));
}
