import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEngine, startEngine } from "../../engine/process.js";
import { PACKAGE_ROOT } from "../../engine/python.js";
import { loadModelText } from "./codec.js";
import { parseTrainConfig, type TrainConfigInput } from "./config.js";
import { createLiveView } from "./live-view.js";
import { checkMinimalConfig, minimalLoop } from "./minimal.js";
import { configProblemSource } from "./problems.js";
import { runTraining } from "./run.js";
import { readJsonLines } from "./run-files.js";

/** The shipped warm-started model: it solves some additions step by step, so groups carry a signal. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");

function config(out: string, overrides: Partial<TrainConfigInput> = {}) {
  return parseTrainConfig({
    out,
    seed: 3,
    steps: 3,
    promptsPerStep: 6,
    groupSize: 4,
    model: { path: MODEL },
    data: { task: "addition", difficulty: 2, steps: true },
    sampling: { maxTokens: 40, temperature: 0.8 },
    evaluation: { problems: 20 },
    checkpointEvery: 0,
    ...overrides,
  });
}

describe("the minimal loop", () => {
  let engine: RunningEngine;
  const root = mkdtempSync(join(tmpdir(), "boxed-minimal-"));

  beforeAll(async () => {
    engine = await startEngine({ model: MODEL, seed: 0, stateDir: root });
  }, 180_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it("takes the same first steps as the full loop on the same seed", async () => {
    await engine.client.saveState(join(root, "initial"));
    const full = config(join(root, "full"), { evaluation: { problems: 20, samples: 1 } });
    await runTraining(full, { engine, view: createLiveView(process.stderr, true), handleSignals: false });
    const metrics = readJsonLines<Record<string, number>>(join(root, "full", "metrics.jsonl"));
    const rollouts = readJsonLines<{ step: number; response: string }>(join(root, "full", "rollouts.jsonl"));

    // Same weights, AdamW state and RNG as the full run started from; then the minimal loop.
    await engine.client.loadState(join(root, "initial"));
    const minimal = config(join(root, "minimal"));
    const text = await loadModelText(MODEL, "raw");
    const steps = await minimalLoop({
      config: minimal,
      client: engine.client,
      codec: text.codec,
      encodePrompt: text.encodePrompt,
      source: configProblemSource(minimal),
    });

    expect(steps.map((step) => step.step)).toEqual([1, 2, 3]);
    for (const [index, step] of steps.entries()) {
      const row = metrics[index];
      expect(step.responses).toEqual(rollouts.filter((r) => r.step === step.step).map((r) => r.response));
      expect(step.rewardMean).toBe(row.rewardMean);
      expect(step.accuracy).toBe(row.accuracy);
      // The full loop's ratio uses the trainer's forward, the minimal loop's the sampler's log-probs:
      // the two agree to float32 rounding, so loss and gradient agree to ~1e-6 relative.
      expect(step.loss).toBeCloseTo(row.loss, 5);
      expect(Math.abs(step.gradNorm - row.gradNorm)).toBeLessThanOrEqual(1e-3 * row.gradNorm);
    }
    // The steps had something to learn from: not every group was all-right or all-wrong.
    expect(steps.some((step) => step.gradNorm > 0)).toBe(true);
  }, 300_000);

  it("refuses config fields it does not implement, naming each", () => {
    const rich = config("unused", {
      refill: 2,
      ppoEpochs: 2,
      loss: { klCoef: 0.1 },
      optimizer: { schedule: "cosine" },
    });
    expect(() => checkMinimalConfig(rich)).toThrow(/refill.*ppoEpochs.*loss\.klCoef.*optimizer\.schedule/);
    expect(() => checkMinimalConfig(config("unused"))).not.toThrow();
  });
});
