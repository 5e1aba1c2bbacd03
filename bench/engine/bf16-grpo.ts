/**
 * Mixed precision that learns: 20 steps of the demo's GRPO (demoTrainConfig on the shipped warm-started model)
 * with `model.dtype` float32 and bfloat16 (float32 master weights and AdamW state, bf16 autocast), same seed,
 * one after the other. Prints both reward curves per step, their mean over the last 10 steps, and the load.
 *   npx tsx bench/engine/bf16-grpo.ts [steps=20]
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseTrainConfig } from "../../src/rl/train/config.js";
import { DEMO_MODEL_DIRECTORY, demoTrainConfig } from "../../src/rl/train/demo.js";
import { createLiveView } from "../../src/rl/train/live-view.js";
import { runTraining } from "../../src/rl/train/run.js";

const steps = Number(process.argv[2] ?? 20);
const root = mkdtempSync(join(tmpdir(), "boxed-bench-bf16-"));
const curves: Record<string, number[]> = {};
const seconds: Record<string, number> = {};
const loads = [loadavg()[0]];

for (const dtype of ["float32", "bfloat16"] as const) {
  const out = join(root, dtype);
  const input = demoTrainConfig(out, DEMO_MODEL_DIRECTORY, 0, 60);
  const config = parseTrainConfig({
    ...input,
    steps,
    model: { ...input.model, dtype },
    evaluation: { problems: 0 },
    checkpointEvery: 0,
  });
  const started = performance.now();
  await runTraining(config, { view: createLiveView(process.stderr, true), handleSignals: false });
  seconds[dtype] = (performance.now() - started) / 1000;
  loads.push(loadavg()[0]);
  curves[dtype] = readFileSync(join(out, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { rewardMean: number }).rewardMean);
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
console.log("step  reward float32  reward bfloat16");
for (let step = 0; step < steps; step++) {
  console.log(
    `${String(step + 1).padStart(4)}  ${curves.float32[step].toFixed(3).padStart(14)}  ${curves.bfloat16[step].toFixed(3).padStart(15)}`,
  );
}
const tail = Math.min(10, steps);
console.log(
  `mean reward, last ${tail} steps: float32 ${mean(curves.float32.slice(-tail)).toFixed(3)}, ` +
    `bfloat16 ${mean(curves.bfloat16.slice(-tail)).toFixed(3)}; first step ${curves.float32[0].toFixed(3)} / ${curves.bfloat16[0].toFixed(3)}`,
);
console.log(
  `wall: float32 ${seconds.float32.toFixed(0)} s, bfloat16 ${seconds.bfloat16.toFixed(0)} s; 1-min load ${loads.map((load) => load.toFixed(1)).join(" → ")}`,
);
