/** Tool use of a set of graded samples (pure): how often the model called the sandbox, how often it failed. */
export interface ToolMetrics {
  samples: number;
  /** Mean code runs per sample. */
  toolCallsPerSample: number;
  /** Runs that were not a clean success / all runs (NaN without runs). */
  toolErrorRate: number;
  /** Samples with at least one run / all samples. */
  toolUseRate: number;
  /** Accuracy of the samples that ran code, and of those that did not (NaN when there are none). */
  accuracyWithToolCalls: number;
  accuracyWithoutToolCalls: number;
  /** Mean seconds spent in the sandbox per sample. */
  toolSecondsPerSample: number;
}

interface GradedTurns {
  correct: boolean;
  turns?: readonly ({ kind: "generation" } | { kind: "tool"; error: boolean; seconds: number })[];
}

const mean = (values: number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

export function toolMetrics(samples: readonly GradedTurns[]): ToolMetrics {
  const runs = samples.map((sample) => (sample.turns ?? []).filter((turn) => turn.kind === "tool"));
  const all = runs.flat();
  const used = samples.filter((_, position) => runs[position]!.length > 0);
  const unused = samples.filter((_, position) => runs[position]!.length === 0);
  const accuracy = (group: readonly GradedTurns[]) => mean(group.map((sample) => (sample.correct ? 1 : 0)));
  return {
    samples: samples.length,
    toolCallsPerSample: mean(runs.map((list) => list.length)),
    toolErrorRate: mean(all.map((turn) => (turn.error ? 1 : 0))),
    toolUseRate: mean(runs.map((list) => (list.length > 0 ? 1 : 0))),
    accuracyWithToolCalls: accuracy(used),
    accuracyWithoutToolCalls: accuracy(unused),
    toolSecondsPerSample: mean(runs.map((list) => list.reduce((sum, turn) => sum + turn.seconds, 0))),
  };
}
