import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEngine, startEngine } from "../../engine/process.js";
import { PACKAGE_ROOT } from "../../engine/python.js";
import { advantageEstimators } from "../advantages/registry.js";
import { stepAdvantageEstimators } from "../advantages/step-estimators.js";
import { policyLosses } from "../losses/registry.js";
import { parseTrainConfig, type TrainConfigInput } from "./config.js";
import { createLiveView } from "./live-view.js";
import { runTraining } from "./run.js";
import { readJsonLines } from "./run-files.js";

/** The shipped warm-started tiny model: it solves some additions, so rewards vary within groups. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const quiet = createLiveView(process.stderr, true);

function tinyRun(out: string, overrides: Partial<TrainConfigInput> = {}): TrainConfigInput {
  return {
    out,
    steps: 1,
    promptsPerStep: 4,
    groupSize: 4,
    model: { path: MODEL },
    data: { task: "addition", difficulty: 2 },
    sampling: { maxTokens: 5 },
    evaluation: { problems: 0 },
    checkpointEvery: 0,
    ...overrides,
  };
}

describe("boxed train end to end (one engine for every run)", () => {
  let engine: RunningEngine;
  const root = mkdtempSync(join(tmpdir(), "boxed-train-"));

  beforeAll(async () => {
    engine = await startEngine({ model: MODEL, seed: 0, stateDir: root });
  }, 180_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it("writes consistent metrics, rollouts, evaluations, checkpoints and report", async () => {
    const out = join(root, "short");
    const config = parseTrainConfig(
      tinyRun(out, { steps: 2, checkpointEvery: 1, evaluation: { problems: 8, samples: 2 } }),
    );
    const summary = await runTraining(config, { engine, view: quiet, handleSignals: false });
    expect(summary).toMatchObject({ steps: 2, stopped: "completed" });
    const metrics = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
    const rollouts = readJsonLines<{
      step: number;
      reward: number;
      correct: boolean;
      advantage: number;
      problemId: string;
    }>(join(out, "rollouts.jsonl"));
    expect(metrics.map((row) => row.step)).toEqual([1, 2]);
    for (const row of metrics) {
      const ofStep = rollouts.filter((rollout) => rollout.step === row.step);
      expect(ofStep).toHaveLength(row.groupsSampled * 4);
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(row.rewardMean).toBeCloseTo(mean(ofStep.map((rollout) => rollout.reward)), 12);
      expect(row.accuracy).toBeCloseTo(mean(ofStep.map((rollout) => (rollout.correct ? 1 : 0))), 12);
      for (const problemId of new Set(ofStep.map((rollout) => rollout.problemId))) {
        const advantages = ofStep
          .filter((rollout) => rollout.problemId === problemId)
          .map((rollout) => rollout.advantage);
        expect(Math.abs(advantages.reduce((sum, value) => sum + value, 0))).toBeLessThan(1e-9);
      }
      for (const key of [
        "entropy",
        "gradNorm",
        "samplerTrainerKl",
        "samplingSeconds",
        "trainingSeconds",
        "tokensPerSecond",
      ]) {
        expect(Number.isFinite(row[key]), key).toBe(true);
      }
      expect(Math.abs(row.samplerTrainerKl)).toBeLessThan(1e-3);
    }
    const latest = JSON.parse(readFileSync(join(out, "checkpoints", "latest.json"), "utf8"));
    expect(latest.step).toBe(2);
    expect(existsSync(join(latest.directory, "trainer.json"))).toBe(true);
    const evaluations = readJsonLines<{ label: string; passAtK: Record<string, number> }>(
      join(out, "evals.jsonl"),
    );
    expect(evaluations.map((record) => record.label)).toEqual(["before", "after"]);
    expect(Object.keys(evaluations[0].passAtK)).toEqual(["1", "2"]);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("<canvas");
    await expect(runTraining(config, { engine, view: quiet, handleSignals: false })).rejects.toThrow(
      /--resume/,
    );
  }, 180_000);

  it("runs every registered advantage estimator and loss for a step", async () => {
    const runs: [string, Partial<TrainConfigInput>][] = [
      ...[...advantageEstimators.keys(), ...stepAdvantageEstimators.keys()].map(
        (estimator): [string, Partial<TrainConfigInput>] => [
          `advantage-${estimator}`,
          { advantage: { estimator } },
        ],
      ),
      ...[...policyLosses.keys()].map((loss): [string, Partial<TrainConfigInput>] => [
        `loss-${loss}`,
        { loss: { name: loss } },
      ]),
    ];
    for (const [name, overrides] of runs) {
      const out = join(root, name);
      const summary = await runTraining(parseTrainConfig(tinyRun(out, overrides)), {
        engine,
        view: quiet,
        handleSignals: false,
      });
      expect(summary.steps, name).toBe(1);
      const [row] = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
      expect(Number.isFinite(row.loss), `${name}: loss`).toBe(true);
      expect(row.groupsKept, name).toBe(4);
    }
  }, 240_000);
});
