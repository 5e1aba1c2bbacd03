import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../data/types.js";
import { type RunningEngine, startEngine } from "../../engine/process.js";
import { PACKAGE_ROOT } from "../../engine/python.js";
import { parseTrainConfig, type TrainConfigInput } from "./config.js";
import { defineEnv } from "./env.js";
import { createLiveView } from "./live-view.js";
import type { LoopState } from "./loop-state.js";
import { runTraining, type TrainOptions } from "./run.js";
import { readJsonLines } from "./run-files.js";

/** Each optional algorithm selected by name in a real run, with its effect on the step visible. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const quiet = createLiveView(process.stderr, true);
type Row = Record<string, number>;
type Rollout = { step: number; problemId: string; prompt: string; advantage: number; correct: boolean };

function baseConfig(out: string): TrainConfigInput {
  return {
    out,
    steps: 1,
    promptsPerStep: 4,
    groupSize: 4,
    model: { path: MODEL },
    data: { task: "addition", difficulty: 2 },
    sampling: { maxTokens: 40 }, // the shipped model answers after a column-addition trace
    evaluation: { problems: 0 },
    checkpointEvery: 0,
  };
}

describe("optional algorithms are reachable from the config (one engine)", () => {
  let engine: RunningEngine;
  const root = mkdtempSync(join(tmpdir(), "boxed-wiring-"));
  const initial = join(root, "initial-state");
  beforeAll(async () => {
    engine = await startEngine({ model: MODEL, seed: 0, threads: 1, stateDir: root });
    await engine.client.saveState(initial);
  }, 180_000);
  afterAll(async () => {
    await engine?.stop();
  });

  async function run(name: string, overrides: Partial<TrainConfigInput>, extra: Partial<TrainOptions> = {}) {
    const out = join(root, name);
    const config = parseTrainConfig({ ...baseConfig(out), ...overrides });
    await engine.client.loadState(initial); // every run starts from the same weights, optimizer and RNG
    await runTraining(config, { engine, view: quiet, handleSignals: false, ...extra });
    const latest = JSON.parse(readFileSync(join(out, "checkpoints", "latest.json"), "utf8"));
    return {
      metrics: readJsonLines<Row>(join(out, "metrics.jsonl")),
      rollouts: readJsonLines<Rollout>(join(out, "rollouts.jsonl")),
      loop: (JSON.parse(readFileSync(join(latest.directory, "trainer.json"), "utf8")).loop ??
        {}) as LoopState,
    };
  }

  it("rolloutCorrection: fresh samples match the trainer exactly; replayed (off-policy) ones are masked", async () => {
    const truncate = await run("truncate", { rolloutCorrection: { mode: "token_truncate" } });
    expect(truncate.metrics[0].correctionMaskedFraction).toBe(0);
    expect(Math.abs(truncate.metrics[0].correctionWeightMean - 1)).toBeLessThan(1e-6);
    const { metrics } = await run("mask", {
      steps: 4,
      promptsPerStep: 8,
      filters: [{ name: "dynamic_sampling" }],
      replay: {},
      // Fresh 40-token samples match the trainer to float rounding (~1e-6), not bit for bit.
      rolloutCorrection: { mode: "token_mask", threshold: 1.001, lowerThreshold: 0.999 },
    });
    expect(metrics[0].correctionMaskedFraction).toBe(0);
    const replayed = metrics.filter((row) => row.replayedSequences > 0);
    expect(replayed.length).toBeGreaterThan(0);
    for (const row of replayed) {
      expect(row.correctionMaskedFraction).toBeGreaterThan(0);
      expect(Math.abs(row.samplerTrainerKl)).toBeLessThan(1e-6); // fresh samples only
    }
  }, 90_000);

  it("maskTruncated: responses cut at maxTokens leave the loss", async () => {
    const hot = { maxTokens: 4, temperature: 3 }; // a hot sampler rambles past the 4-token budget
    const kept = await run("truncated-kept", { sampling: hot });
    const masked = await run("truncated-masked", { sampling: hot, maskTruncated: true });
    const truncated = kept.rollouts.filter(
      (r) => (r as unknown as { stopReason: string }).stopReason === "length",
    );
    expect(truncated.length).toBeGreaterThan(0);
    expect(masked.metrics[0].maskedSequences).toBe(truncated.length);
    const truncatedTokens = truncated.reduce(
      (sum, r) => sum + (r as unknown as { length: number }).length,
      0,
    );
    expect(kept.metrics[0].tokens - masked.metrics[0].tokens).toBe(truncatedTokens);
  }, 60_000);

  it("tempo gives token advantages (a different gradient from grpo on the same samples); spo keeps its tracker", async () => {
    const grpo = await run("grpo", {});
    const tempo = await run("tempo", { advantage: { estimator: "tempo" } });
    expect(tempo.rollouts.map((r) => r.advantage)).toEqual(grpo.rollouts.map((r) => r.advantage));
    // Same samples and outcome advantages, different per-token credit → a different gradient.
    const change = Math.abs(tempo.metrics[0].gradNorm - grpo.metrics[0].gradNorm) / grpo.metrics[0].gradNorm;
    expect(change).toBeGreaterThan(1e-3);
    const spo = await run("spo", { advantage: { estimator: "spo" } });
    const tracker = spo.loop.advantage as Record<string, { alpha: number; beta: number }>;
    expect(Object.keys(tracker).sort()).toEqual([...new Set(spo.rollouts.map((r) => r.prompt))].sort());
    // SPO's baseline is the prior 0.5, not the group mean: a solved group gets positive advantages.
    const solved = spo.rollouts.filter((r) => r.correct);
    expect(solved.every((r) => r.advantage > 0)).toBe(true);
  }, 90_000);

  it("hapo keeps the shortest correct length per prompt; curriculum keeps pass rates", async () => {
    const hapo = await run("hapo", { rewards: [{ name: "correctness" }, { name: "hapo", weight: 0.5 }] });
    const correctPrompts = new Set(hapo.rollouts.filter((r) => r.correct).map((r) => r.prompt));
    expect(Object.keys(hapo.loop.hapoHistory ?? {}).sort()).toEqual([...correctPrompts].sort());
    const curriculum = await run("curriculum", { data: { task: "addition", difficulty: 2, curriculum: {} } });
    const rates = curriculum.loop.passRates ?? {};
    expect(Object.keys(rates)).toHaveLength(4);
    expect(Object.values(rates).every((entry) => entry.attempts === 4)).toBe(true);
  }, 60_000);

  it("replay fills the groups dynamic sampling dropped with earlier sequences", async () => {
    const { metrics } = await run("replay", {
      steps: 4,
      promptsPerStep: 8,
      filters: [{ name: "dynamic_sampling" }],
      replay: {},
    });
    const filled = metrics.filter((row) => row.step > 1 && row.groupsKept < 8);
    expect(filled.length).toBeGreaterThan(0);
    for (const row of filled) expect(row.replayedSequences).toBe((8 - row.groupsKept) * 4);
    expect(metrics[0].replayBufferSize).toBeGreaterThan(0);
  }, 90_000);

  it("resumes bit for bit with the loop state (spo tracker, hapo history, pass rates, replay buffer)", async () => {
    const stateful: Partial<TrainConfigInput> = {
      promptsPerStep: 6,
      advantage: { estimator: "spo" },
      rewards: [{ name: "correctness" }, { name: "hapo", weight: 0.2 }],
      data: { task: "addition", difficulty: 2, curriculum: {} },
      filters: [{ name: "dynamic_sampling" }],
      replay: {},
      checkpointEvery: 1,
    };
    const straight = await run("straight", { ...stateful, steps: 3 });
    const out = join(root, "resumed");
    await run("resumed", { ...stateful, steps: 2 });
    await runTraining(parseTrainConfig({ ...baseConfig(out), ...stateful, steps: 3 }), {
      engine,
      view: quiet,
      handleSignals: false,
      resume: true,
    });
    const timing = /Seconds$|tokensPerSecond/;
    const strip = (row: Row) => Object.fromEntries(Object.entries(row).filter(([key]) => !timing.test(key)));
    const resumed = readJsonLines<Row>(join(out, "metrics.jsonl"));
    expect(resumed.map(strip)).toEqual(straight.metrics.map(strip));
  }, 120_000);

  it("data.task takes a JSONL file; runTraining takes a custom source (defineEnv)", async () => {
    const file = join(root, "sums.jsonl");
    const rows = Array.from({ length: 24 }, (_, index) => ({
      question: `${index}+${index}=`,
      answer: `${2 * index}`,
    }));
    writeFileSync(file, rows.map((row) => JSON.stringify(row)).join("\n"));
    const fromFile = await run("jsonl", { data: { task: file }, evaluation: { problems: 4, samples: 1 } });
    const questions = new Set(rows.map((row) => row.question));
    expect(fromFile.rollouts.every((r) => questions.has(r.prompt))).toBe(true);

    const problem = (n: number): Problem => ({
      id: `d${n}`,
      benchmark: "double",
      question: `${n}+${n}=`,
      answer: `${2 * n}`,
    });
    const source = defineEnv({
      heldOut: [problem(1), problem(2)],
      problems: ({ step, count, round }) =>
        Array.from({ length: count }, (_, i) => problem(10 + step + round + i)),
      grade: (item, response) => response.trim() === item.answer,
    });
    const custom = await run(
      "env",
      { data: { task: "double" }, evaluation: { problems: 2, samples: 1 } },
      { source },
    );
    expect(custom.rollouts.map((r) => r.prompt).slice(0, 4)).toEqual([
      "11+11=",
      "11+11=",
      "11+11=",
      "11+11=",
    ]);
    const leaky = defineEnv({ heldOut: [problem(1)], problems: () => [problem(1)], grade: () => true });
    expect(() => leaky.batch(1, 1)).toThrow(/held-out problem "1\+1="/);
  }, 90_000);
});
