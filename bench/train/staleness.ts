/**
 * Wall time per step of `boxed train` with rollouts on a second engine, synchronous (maxStaleness 0)
 * against one step ahead (maxStaleness 1), on the same two processes (a trainer and a rollout server,
 * one torch thread each), alternating runs. Every run starts from the shipped demo model on both.
 *   npx tsx bench/train/staleness.ts [repeats=3] [steps=12] [sync=weights]
 * Prints, per mode, the median over runs of the per-step medians (steps ≥ 2) of wallSeconds and its
 * split: samplingSeconds (server time of the step's batch), rolloutWaitSeconds (trainer blocked on
 * it), trainingSeconds, syncSeconds; then the ratio synchronous / one-step-ahead, and the load.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startEngine } from "../../src/engine/process.js";
import { PACKAGE_ROOT } from "../../src/engine/python.js";
import { parseTrainConfig } from "../../src/rl/train/config.js";
import { createLiveView } from "../../src/rl/train/live-view.js";
import { runTraining } from "../../src/rl/train/run.js";

const repeats = Number(process.argv[2] ?? 3);
const steps = Number(process.argv[3] ?? 12);
const sync = (process.argv[4] ?? "weights") as "weights" | "lora";
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const KEYS = ["wallSeconds", "samplingSeconds", "rolloutWaitSeconds", "trainingSeconds", "syncSeconds"];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const lora = sync === "lora" ? { rank: 8, alpha: 16, targets: ["q_proj", "v_proj"] } : undefined;
const root = mkdtempSync(join(tmpdir(), "boxed-bench-staleness-"));
const token = randomBytes(16).toString("hex");
const server = await startEngine({ model: MODEL, seed: 1, token, stateDir: root }); // reads the exports under root
const trainer = await startEngine({ model: MODEL, seed: 0, lora, stateDir: root });
const loads: number[] = [];
const results: Record<number, Record<string, number[]>> = { 0: {}, 1: {} };

async function once(maxStaleness: number, repeat: number): Promise<void> {
  await server.client.request("POST", "/update_weights_from_disk", { model_path: MODEL });
  const out = join(root, `k${maxStaleness}-${repeat}`);
  const config = parseTrainConfig({
    out,
    steps,
    promptsPerStep: 16,
    groupSize: 8,
    model: { path: MODEL, loraRank: lora ? 8 : 0, loraAlpha: 16 },
    data: { task: "addition", difficulty: 2, steps: true },
    sampling: { maxTokens: 48 },
    optimizer: { learningRate: lora ? 3e-3 : 3e-4 },
    evaluation: { problems: 0 },
    checkpointEvery: 0,
    logRollouts: false,
    rollout: { backend: "openai", baseUrls: [`${server.url}/v1`], apiKey: token, sync, maxStaleness },
  });
  // Fresh optimizer state per run: load the trainer's step-0 state saved before the first run.
  await trainer.client.loadState(join(root, "initial-state"));
  await runTraining(config, {
    engine: trainer,
    view: createLiveView(process.stderr, true),
    handleSignals: false,
  });
  const rows = readFileSync(join(out, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, number>)
    .slice(1);
  for (const key of KEYS) {
    results[maxStaleness][key] = [
      ...(results[maxStaleness][key] ?? []),
      median(rows.map((row) => row[key] ?? 0)),
    ];
  }
  loads.push(loadavg()[0]);
}

try {
  await trainer.client.saveState(join(root, "initial-state"));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const maxStaleness of repeat % 2 === 0 ? [0, 1] : [1, 0]) await once(maxStaleness, repeat);
  }
  console.log(
    `sync ${sync}, ${steps} steps × ${repeats} runs per mode, 16 prompts × 8 samples, traces ≤ 48 tokens`,
  );
  console.log(`mode            ${KEYS.map((key) => key.padStart(19)).join("")}`);
  for (const k of [0, 1]) {
    const label = k === 0 ? "synchronous" : "maxStaleness 1";
    console.log(
      `${label.padEnd(16)}${KEYS.map((key) => median(results[k][key]).toFixed(3).padStart(19)).join("")}`,
    );
  }
  const ratio = median(results[0].wallSeconds) / median(results[1].wallSeconds);
  console.log(`wall time per step, synchronous / maxStaleness 1: ${ratio.toFixed(2)}×`);
  console.log(
    `load average (1 min) during the runs: median ${median(loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}`,
  );
} finally {
  await Promise.all([trainer.stop(), server.stop()]);
}
