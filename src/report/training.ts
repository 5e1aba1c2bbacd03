import { type ReportBlock, renderReportPage } from "./html-page.js";

/** A held-out evaluation as the training loop records it. */
export interface TrainingEvaluation {
  step: number;
  label: string;
  passAtK: Record<string, number>;
  problems: number;
  samples: number;
}

export interface TrainingReportInput {
  title: string;
  config: Record<string, unknown>;
  /** metrics.jsonl rows: `step` plus named numbers. */
  metrics: (Record<string, number> & { step: number })[];
  evaluations: TrainingEvaluation[];
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/** A Chart.js line chart of some metrics against the step. */
function lineChart(
  id: string,
  title: string,
  rows: TrainingReportInput["metrics"],
  names: string[],
): ReportBlock {
  const present = names.filter((name) => rows.some((row) => typeof row[name] === "number"));
  return {
    kind: "chart",
    id,
    title,
    config: {
      type: "line",
      data: {
        datasets: present.map((name, index) => ({
          label: name,
          data: rows
            .filter((row) => typeof row[name] === "number")
            .map((row) => ({ x: row.step, y: row[name] })),
          borderColor: COLORS[index % COLORS.length],
          pointRadius: 0,
          borderWidth: 1.5,
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { type: "linear", title: { display: true, text: "step" } } },
      },
    },
  };
}

/** pass@k against k for each evaluation (before, periodic, after). */
function passAtKChart(evaluations: TrainingEvaluation[]): ReportBlock {
  const ks = [...new Set(evaluations.flatMap((evaluation) => Object.keys(evaluation.passAtK)))].sort(
    (a, b) => Number(a) - Number(b),
  );
  return {
    kind: "chart",
    id: "pass-at-k",
    title: "Held-out pass@k",
    config: {
      type: "line",
      data: {
        labels: ks.map((k) => `pass@${k}`),
        datasets: evaluations.map((evaluation, index) => ({
          label: `${evaluation.label} (step ${evaluation.step})`,
          data: ks.map((k) => evaluation.passAtK[k] ?? null),
          borderColor: COLORS[index % COLORS.length],
        })),
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 1 } } },
    },
  };
}

/** A held-out accuracy curve over training (pass@1 at each evaluation). */
function heldOutCurve(evaluations: TrainingEvaluation[]): TrainingReportInput["metrics"] {
  return evaluations.map((evaluation) => ({
    step: evaluation.step,
    heldOutPassAt1: evaluation.passAtK["1"],
  }));
}

/**
 * The training run's report.html: before/after table, reward/accuracy, length, entropy, KL and
 * timing curves from metrics.jsonl, pass@k per evaluation, and the resolved config.
 */
export function renderTrainingReport(input: TrainingReportInput): string {
  const { metrics, evaluations } = input;
  const ks = [...new Set(evaluations.flatMap((evaluation) => Object.keys(evaluation.passAtK)))];
  const blocks: ReportBlock[] = [];
  if (evaluations.length > 0) {
    blocks.push({
      kind: "table",
      caption: "Held-out evaluation",
      headers: ["evaluation", "step", ...ks.map((k) => `pass@${k}`)],
      rows: evaluations.map((evaluation) => [
        evaluation.label,
        evaluation.step,
        ...ks.map((k) => (evaluation.passAtK[k] ?? Number.NaN).toFixed(3)),
      ]),
    });
    blocks.push(passAtKChart(evaluations));
  }
  blocks.push(
    lineChart("reward", "Reward and accuracy (training samples)", metrics, ["rewardMean", "accuracy"]),
    lineChart("held-out", "Held-out pass@1", heldOutCurve(evaluations), ["heldOutPassAt1"]),
    lineChart("length", "Response length (tokens)", metrics, ["responseLengthMean", "responseLengthMax"]),
    lineChart("entropy", "Entropy estimate (nats/token)", metrics, ["entropy"]),
    lineChart("kl", "KL", metrics, ["approxKl", "samplerTrainerKl", "klReference"]),
    lineChart("groups", "Groups", metrics, ["zeroVarianceFraction", "truncationRate"]),
    lineChart("time", "Seconds per step", metrics, [
      "samplingSeconds",
      "gradingSeconds",
      "trainingSeconds",
      "rolloutWaitSeconds", // the rest: rollouts on inference servers
      "syncSeconds",
      "wallSeconds",
    ]),
    ...(metrics.some((row) => typeof row.toolCallsPerSample === "number")
      ? [
          lineChart("tools", "Tool use per sample", metrics, [
            "toolCallsPerSample",
            "toolErrorRate",
            "voidTurnsPerSample",
          ]),
          lineChart("tool-time", "Tool seconds per step", metrics, ["toolSeconds"]),
        ]
      : []),
    ...(metrics.some((row) => typeof row.staleness === "number")
      ? [
          lineChart("rollout", "Rollout servers", metrics, [
            "staleness",
            "correctionWeightMean",
            "samplerTrainerKl",
          ]),
          lineChart("rollout-speed", "Rollout tokens/s", metrics, ["rolloutTokensPerSecond"]),
        ]
      : []),
    { kind: "heading", text: "Config" },
    { kind: "text", text: JSON.stringify(input.config) },
  );
  const last = metrics[metrics.length - 1];
  return renderReportPage({
    title: input.title,
    subtitle: last ? `${last.step} steps` : "no steps yet",
    blocks,
  });
}
