/**
 * Held-out accuracy of the demo's GRPO config (32 prompts × 8 samples, 6 tokens, AdamW 3e-4, full
 * fine-tuning from the shipped warm start) trained on a 1-process engine and on a 2-process engine
 * under torchrun (FSDP2, gloo) — the path of `boxed train --set engine.processes=2`.
 *   npx tsx bench/engine/distributed-held-out.ts [steps=100] [seed=0]
 * Prints held-out pass@1 (200 problems × 8 samples) before, every 50 steps and after, seconds per step,
 * and the load average.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/engine/python.js";
import { parseTrainConfig } from "../../src/rl/train/config.js";
import { createLiveView } from "../../src/rl/train/live-view.js";
import { runTraining } from "../../src/rl/train/run.js";

const steps = Number(process.argv[2] ?? 100);
const seed = Number(process.argv[3] ?? 0);
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const root = mkdtempSync(join(tmpdir(), "boxed-bench-distributed-"));

const rows: string[] = [];
const loads: number[] = [];
for (const processes of [1, 2]) {
  const name = `processes-${processes}`;
  const config = parseTrainConfig({
    out: join(root, name),
    seed,
    steps,
    promptsPerStep: 32,
    groupSize: 8,
    model: { path: MODEL },
    engine: { processes },
    data: { task: "addition", difficulty: 2 },
    sampling: { maxTokens: 6 },
    optimizer: { learningRate: 3e-4 },
    evaluation: { problems: 200, samples: 8, every: 50 },
    checkpointEvery: 0,
    logRollouts: false,
  });
  const summary = await runTraining(config, {
    view: createLiveView(process.stderr, true),
    handleSignals: false,
  });
  const curve = readFileSync(join(root, name, "evals.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { step: number; passAtK: Record<string, number> })
    .map((record) => `${record.step}:${record.passAtK["1"].toFixed(3)}`)
    .join(" ");
  rows.push(
    `${`${processes} process${processes > 1 ? "es (torchrun, FSDP2)" : ""}`.padEnd(30)} ${curve}   ${(summary.seconds / steps).toFixed(2)} s/step`,
  );
  loads.push(loadavg()[0]);
}
console.log(
  `held-out pass@1 (step:value), ${steps} steps, seed ${seed}, the demo's GRPO config, full fine-tuning`,
);
for (const row of rows) console.log(row);
console.log(`load average (1 min) after each run: ${loads.map((load) => load.toFixed(2)).join(", ")}`);
