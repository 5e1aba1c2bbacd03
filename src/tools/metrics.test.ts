import { describe, expect, it } from "vitest";
import { toolMetrics } from "./metrics.js";

const run = (error: boolean, seconds = 0.5) => ({ kind: "tool" as const, error, seconds });
const text = { kind: "generation" as const };

describe("toolMetrics", () => {
  it("counts calls, errors and accuracy with and without tool calls", () => {
    const metrics = toolMetrics([
      { correct: true, turns: [text, run(false), text, run(true), text] },
      { correct: false, turns: [text, run(false), text] },
      { correct: true, turns: [text] },
      { correct: false, turns: [text] },
    ]);
    expect(metrics).toEqual({
      samples: 4,
      toolCallsPerSample: 0.75,
      toolErrorRate: 1 / 3,
      toolUseRate: 0.5,
      accuracyWithToolCalls: 0.5,
      accuracyWithoutToolCalls: 0.5,
      toolSecondsPerSample: 0.375,
    });
  });

  it("is NaN where there is nothing to measure", () => {
    const metrics = toolMetrics([{ correct: true }]);
    expect(metrics.toolErrorRate).toBeNaN();
    expect(metrics.accuracyWithToolCalls).toBeNaN();
    expect(metrics.accuracyWithoutToolCalls).toBe(1);
  });
});
