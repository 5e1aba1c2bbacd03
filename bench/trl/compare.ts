/**
 * TRL GRPOTrainer vs boxed train, seconds per step on the same config, in alternating runs:
 *   npx tsx bench/trl/compare.ts [runs=3] [steps=12] [threads=1]
 * Both: the demo's warm-started model (assets/demo/model), the demo's GRPO prompts (addition, difficulty 2,
 * seed 0, 32 prompts × 8 samples), ≤ 48 new tokens, temperature 1, exact-answer reward, group-normalised
 * advantages, PPO clip 0.2, β = 0, one update per batch, AdamW lr 3e-4 β2 0.95, grad clip 1, float32,
 * `threads` torch threads (boxed's engine: --threads; TRL: torch.set_num_threads), no checkpoints, no
 * evaluation. Runs alternate (TRL first in even runs, boxed first in odd ones) so that load drifts hit
 * both; each run reports the median step over steps 2..steps, in wall seconds and in CPU seconds (boxed:
 * engine + trainer process, from /proc; TRL: its process) — on a loaded machine wall time mostly measures
 * waiting for a core, CPU time what the step costs. The result gives the medians over runs and the load
 * average before each run. Needs .bench-venv-trl (bench/trl/run.sh).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startEngine } from "../../src/engine/process.js";
import { PACKAGE_ROOT } from "../../src/engine/python.js";
import { parseTrainConfig } from "../../src/rl/train/config.js";
import { demoTrainConfig } from "../../src/rl/train/demo.js";
import { configProblemSource } from "../../src/rl/train/problems.js";
import { runTraining } from "../../src/rl/train/run.js";

const runs = Number(process.argv[2] ?? 3);
const steps = Number(process.argv[3] ?? 12);
const threads = Number(process.argv[4] ?? 1);
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const work = mkdtempSync(join(tmpdir(), "boxed-trl-bench-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function benchConfig(out: string) {
  const demo = demoTrainConfig(out, MODEL, 0, 60);
  return parseTrainConfig({
    ...demo,
    steps,
    maxMinutes: undefined,
    evaluation: { problems: 200, every: 0 },
    checkpointEvery: 0,
  });
}

/** The prompts boxed trains on, in order, for TRL's dataset. */
function writePrompts(path: string): void {
  const config = benchConfig(join(work, "unused"));
  const source = configProblemSource(config);
  const rows = Array.from({ length: steps }, (_, index) => source.batch(index + 1, config.promptsPerStep))
    .flat()
    .map((problem) => JSON.stringify({ prompt: problem.question, answer: problem.answer }));
  writeFileSync(path, `${rows.join("\n")}\n`);
}

/** CPU seconds (user + system, all threads) a process has used: fields 14–15 of /proc/PID/stat, in ticks of 1/100 s. */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function boxedRun(run: number): Promise<Record<string, number>> {
  const config = benchConfig(join(work, `boxed-${run}`));
  // the engine saves the final checkpoint only inside its state directories (--state-dir)
  const engine = await startEngine({ model: MODEL, seed: 0, threads, stateDir: config.out });
  // CPU of the engine and of this (trainer) process between consecutive steps (the view is called after each).
  const cpuNow = () =>
    processCpuSeconds(engine.pid) + (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  const cpu: number[] = [];
  let last = cpuNow();
  const view = {
    step() {
      const now = cpuNow();
      cpu.push(now - last);
      last = now;
    },
    message() {},
  };
  try {
    await runTraining(config, { engine, view, handleSignals: false });
  } finally {
    await engine.stop();
  }
  const rows = readFileSync(join(config.out, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .slice(1);
  const of = (key: string) => median(rows.map((row: Record<string, number>) => row[key]));
  return {
    seconds_per_step: of("stepSeconds"),
    cpu_seconds_per_step: median(cpu.slice(1)),
    sampling: of("samplingSeconds"),
    grading: of("gradingSeconds"),
    training: of("trainingSeconds"),
  };
}

function trlRun(prompts: string): Record<string, number> {
  const result = spawnSync(
    ".bench-venv-trl/bin/python",
    ["bench/trl/trl_grpo.py", MODEL, prompts, String(steps), "48", String(threads)],
    { cwd: PACKAGE_ROOT, encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (result.status !== 0) throw new Error(`trl_grpo.py failed:\n${result.stderr.slice(-3000)}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) as string);
}

const prompts = join(work, "prompts.jsonl");
writePrompts(prompts);
const results: {
  tool: string;
  run: number;
  load: number;
  seconds: number;
  cpu: number;
  detail: Record<string, number>;
}[] = [];
for (let run = 0; run < runs; run++) {
  const order = run % 2 === 0 ? ["trl", "boxed"] : ["boxed", "trl"];
  for (const tool of order) {
    const load = loadavg()[0];
    const detail = tool === "trl" ? trlRun(prompts) : await boxedRun(run);
    results.push({
      tool,
      run,
      load,
      seconds: detail.seconds_per_step,
      cpu: detail.cpu_seconds_per_step,
      detail,
    });
    process.stderr.write(
      `run ${run + 1}/${runs} ${tool}: ${detail.seconds_per_step.toFixed(3)} s/step (load ${load.toFixed(2)}) ${JSON.stringify(detail)}\n`,
    );
  }
}
const of = (tool: string, key: "seconds" | "cpu") =>
  median(results.filter((row) => row.tool === tool).map((row) => row[key]));
const [trl, boxed] = [of("trl", "seconds"), of("boxed", "seconds")];
const [trlCpu, boxedCpu] = [of("trl", "cpu"), of("boxed", "cpu")];
const boxedRows = results.filter((row) => row.tool === "boxed");
const split = ["sampling", "grading", "training"].map(
  (key) => `${key} ${median(boxedRows.map((row) => row.detail[key])).toFixed(3)}`,
);
process.stdout.write(
  `${JSON.stringify({
    runs,
    steps,
    threads,
    trl_seconds_per_step: trl,
    boxed_seconds_per_step: boxed,
    trl_over_boxed: trl / boxed,
    trl_cpu_seconds_per_step: trlCpu,
    boxed_cpu_seconds_per_step: boxedCpu,
    trl_over_boxed_cpu: trlCpu / boxedCpu,
    boxed_split: split.join(", "),
    trl_runs: results.filter((row) => row.tool === "trl").map((row) => Number(row.seconds.toFixed(3))),
    boxed_runs: boxedRows.map((row) => Number(row.seconds.toFixed(3))),
    load_before_runs: results.map((row) => Number(row.load.toFixed(2))),
  })}\n`,
);
