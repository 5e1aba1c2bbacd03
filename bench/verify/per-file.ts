/**
 * Grades per second and p99 per grade of `gradeSync` on each shared data file, one thread (= one
 * core), beside Math-Verify on the same rows in the same run, and agreement with each file's labels.
 *
 *   npx tsx bench/verify/per-file.ts [--runs 3] [--skip-math-verify]
 *
 * - files: test/fixtures/responses/qwen25-math-math_cot_100.jsonl (800, Qwen's `score`),
 *   test/fixtures/responses/mixed-models-dev.jsonl (800, adjudicated `expected`),
 *   test/fixtures/grader-cases/math-verify-dev.jsonl (138, `expected`, with their options);
 * - boxed: each run in a fresh process (so no verdict or parse cache is warm), the CAS library
 *   loaded first by one unrelated grade (its import is start-up, as Math-Verify's import is timed
 *   apart); rate = rows / CPU seconds of the grading loop (both sides: on a loaded machine wall
 *   time moves with the load, CPU time much less), p99 over the per-row wall and CPU times; median
 *   of `--runs` runs;
 * - Math-Verify 0.8.0 in .bench-venv-mathverify/ (never in .venv), one process, import timed
 *   apart, its parse cache at its default (bench/verify/math_verify_rate.py).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gradeSync } from "../../src/verify/index.js";
import type { GradeOptions } from "../../src/verify/types.js";
import { type FileFigures, type MathVerifyFigures, mathVerifyPython, median } from "./math-verify.js";
import { writeRows } from "./rows.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface LabelledRow {
  gold: string;
  pred: string;
  expected: boolean;
  options?: GradeOptions;
}

/** Each shared file as rows `{gold, pred, expected}`. */
export const FILES: Record<string, () => LabelledRow[]> = {
  "qwen25-math-math_cot_100": () =>
    lines("test/fixtures/responses/qwen25-math-math_cot_100.jsonl").flatMap(
      (row: { answer: string; code: string[]; score: boolean[] }) =>
        row.code.map((pred, index) => ({ gold: row.answer, pred, expected: row.score[index] })),
    ),
  "mixed-models-dev": () =>
    lines("test/fixtures/responses/mixed-models-dev.jsonl").map(
      (row: { gold: string; response: string; expected: boolean }) => ({
        gold: row.gold,
        pred: row.response,
        expected: row.expected,
      }),
    ),
  "math-verify-dev": () =>
    lines("test/fixtures/grader-cases/math-verify-dev.jsonl").map(
      (row: { gold: string; pred: string; expected: boolean; options: Record<string, unknown> }) => ({
        gold: row.gold,
        pred: row.pred,
        expected: row.expected,
        options: {
          matchTypes: row.options.match_types as GradeOptions["matchTypes"],
          precision: row.options.precision as number | undefined,
          strict: row.options.strict as boolean | undefined,
          allowSetRelationComparison: row.options.allow_set_relation_comp as boolean | undefined,
        },
      }),
    ),
};

// biome-ignore lint/suspicious/noExplicitAny: rows of JSONL files of several shapes
function lines(path: string): any[] {
  return readFileSync(join(REPO_ROOT, path), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** One cold pass of `gradeSync` over a file, in this process (run by `--child`). */
function gradeFile(name: string): FileFigures {
  const rows = FILES[name]();
  gradeSync("\\frac{\\sqrt{8}}{2}", "\\boxed{\\sqrt{2}}"); // loads the CAS library: start-up, not grading
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let agreed = 0;
  const cpuStarted = process.cpuUsage();
  for (const row of rows) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const grade = gradeSync(row.gold, row.pred, row.options ?? {});
    const cpuAfter = process.cpuUsage(cpuBefore);
    times.push(performance.now() - started);
    cpuTimes.push((cpuAfter.user + cpuAfter.system) / 1000);
    if (grade.correct === row.expected) agreed++;
  }
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const seconds = times.reduce((total, time) => total + time, 0) / 1000;
  return {
    rows: rows.length,
    seconds,
    cpu_seconds: cpuSeconds,
    p99_ms: percentile99(times),
    p99_cpu_ms: percentile99(cpuTimes),
    agreed,
  };
}

function percentile99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}

function boxedRun(name: string): FileFigures {
  const script = fileURLToPath(import.meta.url);
  const printed = execFileSync(process.execPath, ["--import", "tsx", script, "--child", name], {
    encoding: "utf8",
    cwd: REPO_ROOT,
  });
  return JSON.parse(printed.trim().split("\n").pop()!) as FileFigures;
}

function main(): void {
  const { values: flags } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      child: { type: "string" },
      "skip-math-verify": { type: "boolean", default: false },
    },
  });
  if (flags.child) {
    process.stdout.write(`${JSON.stringify(gradeFile(flags.child))}\n`);
    return;
  }
  const runs = Number(flags.runs);
  const directory = mkdtempSync(join(tmpdir(), "boxed-bench-per-file-"));
  const python = flags["skip-math-verify"] ? null : mathVerifyPython(REPO_ROOT);
  const lines: string[] = [
    `load average before: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(" ")}`,
  ];
  lines.push(
    "file | rows | boxed grades/CPU-s (1 thread) | boxed p99 ms wall / CPU | Math-Verify grades/CPU-s | MV p99 ms wall / CPU | ratio | agreement boxed / MV",
  );
  try {
    for (const name of Object.keys(FILES)) {
      const rowsFile = writeRows(directory, `${name}.jsonl`, FILES[name]());
      const boxed: FileFigures[] = [];
      const mathVerify: MathVerifyFigures[] = [];
      for (let run = 0; run < runs; run++) {
        boxed.push(boxedRun(name)); // alternated with Math-Verify so that load shifts both alike
        if (python) mathVerify.push(runMathVerify(python, rowsFile));
      }
      const rate = median(boxed.map((figures) => figures.rows / figures.cpu_seconds));
      const p99 = median(boxed.map((figures) => figures.p99_ms));
      const p99Cpu = median(boxed.map((figures) => figures.p99_cpu_ms));
      const agreement = (100 * boxed[0].agreed) / boxed[0].rows;
      if (!python) {
        lines.push(
          `${name} | ${boxed[0].rows} | ${Math.round(rate)} | ${p99.toFixed(1)} / ${p99Cpu.toFixed(1)} | – | – | – | ${agreement.toFixed(2)}%`,
        );
        continue;
      }
      const mvRate = median(mathVerify.map((figures) => figures.rows / figures.cpu_seconds));
      const mvP99 = median(mathVerify.map((figures) => figures.p99_ms));
      const mvP99Cpu = median(mathVerify.map((figures) => figures.p99_cpu_ms));
      const mvAgreement = (100 * mathVerify[0].agreed) / mathVerify[0].rows;
      lines.push(
        `${name} | ${boxed[0].rows} | ${Math.round(rate)} | ${p99.toFixed(1)} / ${p99Cpu.toFixed(1)} | ${Math.round(mvRate)} | ` +
          `${mvP99.toFixed(1)} / ${mvP99Cpu.toFixed(1)} | ${(rate / mvRate).toFixed(1)}× | ${agreement.toFixed(2)}% / ${mvAgreement.toFixed(2)}%`,
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  lines.push(
    `load average after: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(" ")}`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

function runMathVerify(python: string, rowsFile: string): MathVerifyFigures {
  const script = join(REPO_ROOT, "bench/verify/math_verify_rate.py");
  const printed = execFileSync(python, [script, rowsFile], { encoding: "utf8", maxBuffer: 1 << 24 });
  return JSON.parse(printed.trim().split("\n").pop()!) as MathVerifyFigures;
}

main();
