import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEngine, startEngine } from "../../../engine/process.js";
import { PACKAGE_ROOT } from "../../../engine/python.js";
import { parseTrainConfig } from "../config.js";
import { createLiveView } from "../live-view.js";
import { runTraining } from "../run.js";
import { readJsonLines } from "../run-files.js";

/** `boxed train` with `tools`: the sandbox opens and closes with the run; tool facts reach metrics, rewards, mask. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");

describe("boxed train with tools (real engine, real sandbox)", () => {
  let engine: RunningEngine;
  const root = mkdtempSync(join(tmpdir(), "boxed-train-tools-"));
  beforeAll(async () => {
    engine = await startEngine({ model: MODEL, seed: 0, stateDir: root });
  }, 180_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it("logs tool metrics and rollouts, charts them, and masks void-turn responses (SimpleTIR)", async () => {
    const out = join(root, "run");
    // The demo model answers with a step trace and "answer: N": no code block, no \boxed{} — a void turn each.
    const config = parseTrainConfig({
      out,
      steps: 1,
      promptsPerStep: 2,
      groupSize: 3,
      model: { path: MODEL },
      data: { task: "addition", difficulty: 1 },
      sampling: { maxTokens: 64 },
      evaluation: { problems: 3, samples: 2 },
      checkpointEvery: 0,
      rewards: [{ name: "correctness" }, { name: "void_turn", weight: 0.1 }],
      tools: { name: "python", maxCalls: 1, workers: 1, maskVoidTurns: true },
    });
    const summary = await runTraining(config, {
      engine,
      view: createLiveView(process.stderr, true),
      handleSignals: false,
    });
    const [metrics] = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
    expect(metrics).toMatchObject({ toolCallsPerSample: 0, toolErrorRate: 0, voidTurnsPerSample: 1 });
    expect(metrics.toolSeconds).toBeGreaterThanOrEqual(0);
    const rollouts = readJsonLines<{ tools: { voidTurns: number }; rewards: Record<string, number> }>(
      join(out, "rollouts.jsonl"),
    );
    expect(rollouts).toHaveLength(6);
    expect(
      rollouts.every((rollout) => rollout.tools.voidTurns === 1 && rollout.rewards.void_turn === -1),
    ).toBe(true);
    expect(metrics.maskedSequences).toBe(metrics.groupsKept * 3);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("Tool use per sample");
    // The held-out evaluation samples with tools too (the same multi-turn rollouts, graded).
    expect(summary.before).toMatchObject({ problems: 3, samples: 2 });
    expect(summary.after?.passAtK["1"]).toBeGreaterThanOrEqual(0);
  }, 180_000);
});
