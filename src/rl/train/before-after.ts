import { formatTable } from "../../report/terminal-table.js";
import type { TrainSummary } from "./run.js";

/**
 * The before/after table of a run: held-out pass@k for each k before and after training, and the
 * change in points. `stage` names what ran in between ("before GRPO").
 */
export function beforeAfterTable(summary: TrainSummary, stage = "training"): string {
  const before = summary.before?.passAtK ?? {};
  const after = summary.after?.passAtK ?? {};
  const ks = Object.keys(before).sort((a, b) => Number(a) - Number(b));
  const rows = ks.map((k) => {
    if (after[k] === undefined)
      return [`pass@${k}`, before[k].toFixed(3), "—", `stopped (${summary.stopped})`];
    const delta = after[k] - before[k];
    const change = `${delta >= 0 ? "+" : ""}${(100 * delta).toFixed(1)} pts`;
    return [`pass@${k}`, before[k].toFixed(3), after[k].toFixed(3), change];
  });
  return formatTable(["held-out", `before ${stage}`, `after ${stage}`, "change"], rows);
}

/** The lines `boxed train` and `boxed demo` end with: the table, the report, the exported model. */
export function summaryLines(summary: TrainSummary, stage?: string): string[] {
  return [
    ...(summary.before === undefined ? [] : ["", beforeAfterTable(summary, stage)]),
    `report: ${summary.report}`,
    summary.model === undefined
      ? "model: not exported (stopped by a signal; boxed export <out> writes the latest checkpoint)"
      : `model: ${summary.model} (boxed eval --engine-model ${summary.model})`,
  ];
}
