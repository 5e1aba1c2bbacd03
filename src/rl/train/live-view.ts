import type { HeldOutResult } from "./evaluate.js";
import type { StepMetrics } from "./types.js";

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const minutes = Math.floor(seconds / 60);
  return minutes > 0
    ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
    : `${seconds.toFixed(1)}s`;
}

/** One status line per step: progress, reward/accuracy, length, KL, timing split and ETA. */
export function formatStepLine(
  metrics: StepMetrics,
  totalSteps: number,
  elapsedSeconds: number,
  doneInSession: number,
): string {
  const perStep = elapsedSeconds / Math.max(1, doneInSession);
  const remaining = (totalSteps - metrics.step) * perStep;
  const parts = [
    `step ${metrics.step}/${totalSteps}`,
    `reward ${metrics.rewardMean.toFixed(3)}`,
    `acc ${metrics.accuracy.toFixed(3)}`,
    `len ${metrics.responseLengthMean.toFixed(1)}`,
    `kept ${metrics.groupsKept}/${metrics.groupsSampled}`,
    `kl ${(metrics.approxKl ?? 0).toExponential(1)}`,
    `${metrics.stepSeconds.toFixed(2)}s/step (sample ${metrics.samplingSeconds.toFixed(2)} · train ${metrics.trainingSeconds.toFixed(2)})`,
    `eta ${duration(remaining)}`,
  ];
  return parts.join("  ");
}

/** "pass@1 0.153  pass@2 0.240 …" for an evaluation. */
export function formatEvaluation(label: string, result: HeldOutResult): string {
  const passes = Object.entries(result.passAtK)
    .map(([k, value]) => `pass@${k} ${value.toFixed(3)}`)
    .join("  ");
  return `eval ${label}: ${passes}  (${result.problems} problems × ${result.samples}, ${result.seconds.toFixed(1)}s)`;
}

/**
 * The live terminal view on stderr: on a terminal the step line is redrawn in place; otherwise
 * (a log file, CI) each step is its own line. Other messages always get their own line.
 */
export function createLiveView(stream: NodeJS.WriteStream = process.stderr, quiet = false) {
  const inPlace = Boolean(stream.isTTY);
  let pending = false;
  return {
    step(line: string): void {
      if (quiet) return;
      if (inPlace) {
        stream.write(`\r\x1b[2K${line}`);
        pending = true;
      } else stream.write(`${line}\n`);
    },
    message(line: string): void {
      if (quiet) return;
      if (pending) stream.write("\n");
      pending = false;
      stream.write(`${line}\n`);
    },
  };
}

export type LiveView = ReturnType<typeof createLiveView>;
