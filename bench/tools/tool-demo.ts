/**
 * The tools demonstration: the tiny model fine-tuned on multiplication-tool traces
 * (src/data/tasks/multiplication-tool.ts), evaluated by `boxed eval` on the task's held-out problems
 * (the split `boxed sft --held-out` excluded) without tools and with `--tools python`, in the same run.
 *
 *   npx tsx src/cli/main.ts sft --out runs/tool-sft --model tiny --task multiplication-tool --traces \
 *     --prompt plain --examples 3000 --steps 500 --batch-size 64 --lr 0.003 --seed 0 --held-out 200
 *   npx tsx bench/tools/tool-demo.ts --model runs/tool-sft/model [--problems 200] [--out runs/tool-demo]
 *
 * Prints accuracy, tool calls per sample, tool error rate and wall time of each run, and the load.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { EvalResults } from "../../src/eval/results.js";
import { createProblemSource } from "../../src/rl/train/problems.js";

const { values: flags } = parseArgs({
  options: {
    model: { type: "string" },
    problems: { type: "string", default: "200" },
    out: { type: "string", default: "runs/tool-demo" },
  },
});
if (!flags.model) throw new Error("--model DIR is required (the boxed sft output's model folder)");
const model = resolve(flags.model);
const out = resolve(flags.out);
mkdirSync(out, { recursive: true });

// The held-out split `boxed sft --seed 0 --held-out 200` excluded (evaluation seed 0).
const heldOut = createProblemSource({
  task: "multiplication-tool",
  seed: 0,
  heldOutSeed: 0,
  heldOutCount: 200,
  steps: true,
}).heldOut.slice(0, Number(flags.problems));
const problemsFile = join(out, "held-out.jsonl");
writeFileSync(
  problemsFile,
  heldOut
    .map(
      (problem) =>
        `${JSON.stringify({ id: problem.id, question: problem.question, answer: problem.answer })}\n`,
    )
    .join(""),
);

const common = [
  "eval",
  "--engine-model",
  model,
  "--tokenizer",
  model,
  "--data",
  problemsFile,
  "--mode",
  "completion",
  "--prompt",
  "plain",
  "--temperature",
  "0",
  "--max-tokens",
  "96",
  "--n",
  "1",
  "--no-progress",
];

async function evaluate(
  name: string,
  extra: string[],
): Promise<{ results: EvalResults; seconds: number; command: string }> {
  const args = [...common, "--out", join(out, name), ...extra];
  const started = performance.now();
  await new Promise((resolvePromise, reject) =>
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { maxBuffer: 1 << 26 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolvePromise(stdout),
    ),
  );
  const results = JSON.parse(readFileSync(join(out, name, "results.json"), "utf8")) as EvalResults;
  return { results, seconds: (performance.now() - started) / 1000, command: `boxed ${args.join(" ")}` };
}

console.log(
  `load average before: ${loadavg()
    .map((value) => value.toFixed(2))
    .join(" ")}`,
);
for (const [name, extra] of [
  ["without-tools", []],
  ["with-tools", ["--tools", "python", "--tool-format", "qwen-tir", "--max-tool-calls", "2"]],
] as const) {
  const { results, seconds, command } = await evaluate(name, [...extra]);
  const benchmark = Object.values(results.benchmarks)[0]!;
  const tools = benchmark.tools;
  console.log(
    `${name}: accuracy ${benchmark.metrics["avg@1"]?.toFixed(3)} on ${benchmark.problems} problems, ${seconds.toFixed(0)} s` +
      (tools
        ? `; tool calls/sample ${tools.toolCallsPerSample.toFixed(2)}, tool error rate ${tools.toolErrorRate.toFixed(3)}, ${tools.toolSecondsPerSample.toFixed(3)} s in the sandbox/sample`
        : ""),
  );
  console.log(`  ${command}`);
}
console.log(
  `load average after: ${loadavg()
    .map((value) => value.toFixed(2))
    .join(" ")}`,
);
