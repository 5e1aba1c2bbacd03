/**
 * Held-out accuracy of the same GRPO config trained colocated (the trainer samples) and with rollouts
 * on a second engine over the OpenAI API (weight sync every step), for full fine-tuning (sync
 * "weights") and LoRA (sync "lora"). Starts from the shipped demo model on every engine.
 *   npx tsx bench/train/held-out.ts [steps=40] [seed=0] [learningRate=3e-4] [promptsPerStep=32]
 *   (LoRA: 10× the rate)
 * The config is the demo's GRPO (32 prompts × 8 samples, step-by-step traces of ≤ 48 tokens, AdamW 3e-4). Prints held-out pass@1
 * (200 problems × 4 samples) before, halfway and after, the seconds per
 * step, and the load average.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningEngine, startEngine } from "../../src/engine/process.js";
import { PACKAGE_ROOT } from "../../src/engine/python.js";
import { parseTrainConfig, type TrainConfigInput } from "../../src/rl/train/config.js";
import { createLiveView } from "../../src/rl/train/live-view.js";
import { runTraining } from "../../src/rl/train/run.js";

const steps = Number(process.argv[2] ?? 40);
const seed = Number(process.argv[3] ?? 0);
const learningRate = Number(process.argv[4] ?? 3e-4);
const promptsPerStep = Number(process.argv[5] ?? 32);
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const root = mkdtempSync(join(tmpdir(), "boxed-bench-held-out-"));

function config(name: string, loraRank: number, rollout: TrainConfigInput["rollout"]) {
  return parseTrainConfig({
    out: join(root, name),
    seed,
    steps,
    promptsPerStep,
    groupSize: 8,
    model: { path: MODEL, loraRank, loraAlpha: 16 },
    data: { task: "addition", difficulty: 2, steps: true },
    sampling: { maxTokens: 48 },
    optimizer: { learningRate: loraRank > 0 ? 10 * learningRate : learningRate },
    evaluation: { problems: 200, samples: 4, every: Math.max(1, Math.floor(steps / 2)) },
    checkpointEvery: 0,
    logRollouts: false,
    rollout,
  });
}

const token = randomBytes(16).toString("hex");
const server = await startEngine({ model: MODEL, seed: 1, token, stateDir: root }); // reads the exports under root
const rows: string[] = [];
const loads: number[] = [];
try {
  for (const [mode, loraRank] of [
    ["weights", 0],
    ["lora", 8],
  ] as const) {
    const lora = loraRank > 0 ? { rank: loraRank, alpha: 16, targets: ["q_proj", "v_proj"] } : undefined;
    const trainer: RunningEngine = await startEngine({ model: MODEL, seed: 0, lora, stateDir: root });
    try {
      await trainer.client.saveState(join(root, `initial-${mode}`));
      for (const backend of ["engine", "openai"] as const) {
        await trainer.client.loadState(join(root, `initial-${mode}`));
        await server.client.request("POST", "/update_weights_from_disk", { model_path: MODEL });
        const name = `${mode}-${backend}`;
        const rollout =
          backend === "engine" ? {} : { backend, baseUrls: [`${server.url}/v1`], apiKey: token, sync: mode };
        const summary = await runTraining(config(name, loraRank, rollout), {
          engine: trainer,
          view: createLiveView(process.stderr, true),
          handleSignals: false,
        });
        const evaluations = readFileSync(join(root, name, "evals.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { step: number; passAtK: Record<string, number> });
        const curve = evaluations
          .map((record) => `${record.step}:${record.passAtK["1"].toFixed(3)}`)
          .join(" ");
        const where = backend === "engine" ? "colocated" : `openai + sync ${mode}`;
        rows.push(
          `${`${loraRank > 0 ? "LoRA r8" : "full"}, ${where}`.padEnd(28)} ${curve}   ${(summary.seconds / steps).toFixed(2)} s/step`,
        );
        loads.push(loadavg()[0]);
      }
    } finally {
      await trainer.stop();
    }
  }
  console.log(
    `held-out pass@1 (step:value), ${steps} steps, seed ${seed}, ${promptsPerStep} prompts × 8 samples, otherwise the demo's GRPO config`,
  );
  for (const row of rows) console.log(row);
  console.log(`load average (1 min) after each run: ${loads.map((load) => load.toFixed(2)).join(", ")}`);
} finally {
  await server.stop();
}
