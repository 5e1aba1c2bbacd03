import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineClient } from "../../../engine/client.js";
import { type RunningEngine, startEngine } from "../../../engine/process.js";
import { PACKAGE_ROOT } from "../../../engine/python.js";
import { parseTrainConfig, type TrainConfigInput } from "../config.js";
import { createLiveView } from "../live-view.js";
import { runTraining } from "../run.js";
import { readJsonLines } from "../run-files.js";

/** The shipped warm-started tiny model: it solves some additions, so rewards vary within groups. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const quiet = createLiveView(process.stderr, true);
/** The rollout server's bearer token: every request to it carries it (and boxed never writes it). */
const SERVER_TOKEN = "rollout-secret-7f3a";
/** Fixed sequences whose log-probs the trainer and the rollout server must agree on after a run. */
const PROBES = [
  { tokens: [1, 5, 6, 7, 8, 9, 10], target_tokens: [5, 6, 7, 8, 9, 10, 11] },
  { tokens: [2, 30, 31, 40], target_tokens: [30, 31, 40, 41] },
];

async function probe(client: EngineClient): Promise<number[]> {
  return (await client.logprobs({ data: PROBES })).logprobs.flat();
}

function maxDifference(a: number[], b: number[]): number {
  return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index])), 0);
}

function remoteRun(
  out: string,
  server: RunningEngine,
  overrides: Partial<TrainConfigInput>,
): TrainConfigInput {
  return {
    out,
    steps: 3,
    promptsPerStep: 4,
    groupSize: 4,
    model: { path: MODEL },
    data: { task: "addition", difficulty: 2 },
    sampling: { maxTokens: 40 }, // the shipped model answers after a column-addition trace
    optimizer: { learningRate: 3e-3 },
    evaluation: { problems: 0 },
    checkpointEvery: 0,
    ...overrides,
    rollout: {
      backend: "openai",
      baseUrls: [`${server.url}/v1`],
      apiKey: SERVER_TOKEN,
      ...overrides.rollout,
    },
  };
}

describe("boxed train with rollouts on a second engine (OpenAI API + weight sync)", () => {
  const root = mkdtempSync(join(tmpdir(), "boxed-rollout-"));
  let server: RunningEngine;
  let initial: number[];

  beforeAll(async () => {
    // The server reads the trainer's exports (<out>/weight-sync under root): its state directory holds them.
    server = await startEngine({ model: MODEL, seed: 1, token: SERVER_TOKEN, stateDir: root });
    initial = await probe(server.client);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ["weights", { model: { path: MODEL } }],
    ["lora", { model: { path: MODEL, loraRank: 4, loraAlpha: 16 } }],
  ] as const)(
    "sync %s: the server ends serving the trainer's weights",
    async (sync, overrides) => {
      const out = join(root, sync);
      const config = parseTrainConfig(remoteRun(out, server, { ...overrides, rollout: { sync } }));
      const lora =
        config.model.loraRank > 0 ? { rank: 4, alpha: 16, targets: ["q_proj", "v_proj"] } : undefined;
      const trainer = await startEngine({ model: MODEL, seed: 0, lora, stateDir: root });
      // Both start from the shipped model (an earlier test left trained weights on the server).
      await server.client.request("POST", "/update_weights_from_disk", { model_path: MODEL });
      try {
        const summary = await runTraining(config, { engine: trainer, view: quiet, handleSignals: false });
        expect(summary).toMatchObject({ steps: 3, stopped: "completed" });
        for (const file of ["config.json", "report.html"]) {
          expect(readFileSync(join(out, file), "utf8"), file).not.toContain(SERVER_TOKEN);
        }
        const served = await probe(server.client);
        expect(maxDifference(served, await probe(trainer.client))).toBeLessThan(1e-5);
        expect(maxDifference(served, initial)).toBeGreaterThan(1e-3); // the weights really moved
        const metrics = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
        expect(metrics.map((row) => row.staleness)).toEqual([0, 0, 0]);
        expect(metrics.map((row) => row.samplerVersion)).toEqual([0, 1, 2]);
        for (const row of metrics) {
          for (const key of [
            "rolloutWaitSeconds",
            "syncSeconds",
            "trainingSeconds",
            "rolloutTokensPerSecond",
          ]) {
            expect(row[key], key).toBeGreaterThan(0);
          }
          // Fresh batches: the server sampled with the trainer's weights, so the mismatch is rounding only.
          expect(Math.abs(row.samplerTrainerKl)).toBeLessThan(1e-4);
        }
      } finally {
        await trainer.stop();
      }
    },
    300_000,
  );

  it("maxStaleness 1 samples one step ahead: every batch after the first is one version old", async () => {
    const out = join(root, "stale-1");
    const config = parseTrainConfig(remoteRun(out, server, { steps: 4, rollout: { maxStaleness: 1 } }));
    const trainer = await startEngine({ model: MODEL, seed: 0, stateDir: root });
    try {
      await runTraining(config, { engine: trainer, view: quiet, handleSignals: false });
      const metrics = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
      expect(metrics.map((row) => row.staleness)).toEqual([0, 1, 1, 1]);
      expect(metrics.map((row) => row.samplerVersion)).toEqual([0, 0, 1, 2]);
      expect(metrics.every((row) => row.staleBatches === undefined)).toBe(true);
      // Stale batches: the sampler's log-probs are those of older weights.
      expect(Math.max(...metrics.slice(1).map((row) => Math.abs(row.samplerTrainerKl)))).toBeGreaterThan(
        1e-4,
      );
      expect(maxDifference(await probe(server.client), await probe(trainer.client))).toBeLessThan(1e-5);
    } finally {
      await trainer.stop();
    }
  }, 300_000);

  it.each([
    ["correct", [0, 1, 2, 3, 1]],
    ["drop", [0, 1, 0, 1, 1]],
  ] as const)(
    "a deliberately stale batch (syncEvery 3 > maxStaleness 1) is handled by %s",
    async (correction, staleness) => {
      const out = join(root, `stale-${correction}`);
      const config = parseTrainConfig(
        remoteRun(out, server, {
          steps: 5,
          rolloutCorrection: { mode: "token_truncate", threshold: 2 },
          rollout: { maxStaleness: 1, syncEvery: 3, correction },
        }),
      );
      const trainer = await startEngine({ model: MODEL, seed: 0, stateDir: root });
      await server.client.request("POST", "/update_weights_from_disk", { model_path: MODEL });
      try {
        await runTraining(config, { engine: trainer, view: quiet, handleSignals: false });
        const metrics = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
        expect(metrics.map((row) => row.staleness)).toEqual(staleness);
        const fresh = metrics.filter((row) => row.staleness === 0);
        const stale = metrics.filter((row) => row.staleness >= 2);
        for (const row of fresh) {
          expect(Math.abs(row.samplerTrainerKl)).toBeLessThan(1e-4);
          expect(Math.abs(row.correctionWeightMean - 1)).toBeLessThan(1e-3);
        }
        if (correction === "drop") {
          expect(stale).toEqual([]);
          expect(metrics.map((row) => row.staleBatchesDropped ?? 0)).toEqual([0, 0, 1, 0, 0]);
          return;
        }
        expect(stale.map((row) => row.staleBatches)).toEqual([1, 1]);
        for (const row of stale) {
          // Three versions behind: the trainer's log-probs have moved away from the sampler's.
          expect(Math.abs(row.samplerTrainerKl)).toBeGreaterThan(1e-3);
          expect(Math.abs(row.correctionWeightMean - 1)).toBeGreaterThan(1e-3);
        }
      } finally {
        await trainer.stop();
      }
    },
    300_000,
  );

  it("rejects rollout settings that cannot work before starting anything", async () => {
    const bad = (rollout: TrainConfigInput["rollout"], model?: TrainConfigInput["model"]) =>
      runTraining(parseTrainConfig({ out: join(root, "bad"), model, rollout }), { view: quiet });
    await expect(bad({ backend: "openai" })).rejects.toThrow(/needs rollout.baseUrls/);
    await expect(
      bad({ backend: "openai", baseUrls: ["http://127.0.0.1:9/v1"], sync: "lora" }),
    ).rejects.toThrow(/model.loraRank/);
    await expect(bad({ maxStaleness: 1 })).rejects.toThrow(/needs rollout.backend "openai"/);
    await expect(
      bad({ backend: "openai", baseUrls: ["http://127.0.0.1:9/v1"], correction: "correct" }),
    ).rejects.toThrow(/needs rolloutCorrection/);
    expect(() => parseTrainConfig({ out: "x", rollout: { backend: "vllm" } })).toThrow(/rollout.backend/);
    expect(() => parseTrainConfig({ out: "x", rollout: { syncevery: 2 } })).toThrow(/syncevery/);
  });
});
