/**
 * Grades per second of `boxed grade` (the CLI, end to end) on 8,000 real rows, net of start-up, and
 * Math-Verify's rate on the same rows in the same run.
 *
 *   npm run build && npx tsx bench/verify/grade-throughput.ts [--cli dist/cli/main.js] [--workers N]
 *     [--runs 3] [--copies 10] [--skip-math-verify]
 *
 * - rows: the 800 Qwen2.5-Math responses of ../shared/data ×10, each copy distinct (bench/verify/rows.ts);
 * - start-up: the same CLI grading a one-row file whose comparison needs the CAS (symbolic), so
 *   the figure includes loading the CAS in a worker;
 * - net rate: rows / (time for the rows − start-up); cold rate: rows / time for the rows;
 *   each the median of `--runs` runs, the three kinds of run interleaved;
 * - steady rate: the same CLI on twice the rows (copies ×2, still all distinct): the extra rows over
 *   the extra time, which leaves out every start-up cost (process, workers, CAS in each worker);
 * - Math-Verify: `math-verify` from PyPI in .bench-venv-mathverify/ (created on first use), one
 *   process = one core, import timed apart (bench/verify/math_verify_rate.py).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MATH_VERIFY_PIN, type MathVerifyFigures, mathVerifyPython, median } from "./math-verify.js";
import { buildRows, writeRows } from "./rows.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const { values: flags } = parseArgs({
  options: {
    cli: { type: "string", default: join(REPO_ROOT, "dist/cli/main.js") },
    workers: { type: "string", default: String(availableParallelism()) },
    runs: { type: "string", default: "3" },
    copies: { type: "string", default: "10" },
    "skip-math-verify": { type: "boolean", default: false },
  },
});

/** A rate from a difference of two timings; when the noise exceeds the difference there is none. */
function rateText(rate: number): string {
  return Number.isFinite(rate) && rate > 0 ? String(Math.round(rate)) : "n/a (noise above the difference)";
}

function ratioText(rate: number, baseline: number): string {
  return Number.isFinite(rate) && rate > 0 ? `${(rate / baseline).toFixed(1)}×` : "n/a";
}

/**
 * CPU seconds (user + system) of this process's finished children, from /proc/self/stat (fields 16,
 * 17: cutime, cstime, in clock ticks of 1/100 s). On a machine shared with other work the wall time
 * of a run moves with the load; its CPU time much less, so both are reported.
 */
function childrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface CliRun {
  seconds: number;
  cpuSeconds: number;
  summary: string;
}

/** Wall and CPU seconds of one CLI run; throws with its stderr if it fails. */
function timeCli(input: string, output: string): CliRun {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [flags.cli!, "grade", "--input", input, "--output", output, "--workers", flags.workers!],
    { encoding: "utf8" },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`boxed grade failed (${result.status}): ${result.stderr}`);
  const cpuSeconds = childrenCpuSeconds() - cpuBefore;
  return { seconds, cpuSeconds, summary: result.stderr.trim().split("\n").slice(-2).join(" | ") };
}

function runMathVerify(input: string): MathVerifyFigures {
  const script = join(REPO_ROOT, "bench/verify/math_verify_rate.py");
  const printed = execFileSync(mathVerifyPython(REPO_ROOT), [script, input], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  return JSON.parse(printed.trim().split("\n").pop()!) as MathVerifyFigures;
}

function main(): void {
  if (!existsSync(flags.cli!)) throw new Error(`${flags.cli} not found: run \`npm run build\` first`);
  const runs = Number(flags.runs);
  const workers = Number(flags.workers);
  const cores = availableParallelism();
  const directory = mkdtempSync(join(tmpdir(), "boxed-bench-grade-"));
  try {
    const loadBefore = loadavg();
    const rows = buildRows(Number(flags.copies));
    const rowsFile = writeRows(directory, "rows.jsonl", rows);
    const doubled = buildRows(2 * Number(flags.copies));
    const doubledFile = writeRows(directory, "rows-doubled.jsonl", doubled);
    const oneRow = writeRows(directory, "one-row.jsonl", [
      { gold: "\\frac{\\sqrt{8}}{2}", pred: "\\boxed{\\sqrt{2}}" },
    ]);
    const output = join(directory, "out.jsonl");
    // Interleaved (one-row, rows, doubled rows, then again) so that a change in the machine's load
    // during the bench shifts all three medians alike instead of one of them.
    const startups: CliRun[] = [];
    const timed: CliRun[] = [];
    const timedDoubled: CliRun[] = [];
    for (let run = 0; run < runs; run++) {
      startups.push(timeCli(oneRow, output));
      timed.push(timeCli(rowsFile, output));
      timedDoubled.push(timeCli(doubledFile, output));
    }
    const startup = median(startups.map((run) => run.seconds));
    const total = median(timed.map((run) => run.seconds));
    const best = Math.min(...timed.map((run) => run.seconds));
    const net = rows.length / (total - startup);
    const startupCpu = median(startups.map((run) => run.cpuSeconds));
    const netCpu = rows.length / (median(timed.map((run) => run.cpuSeconds)) - startupCpu);
    const extra = doubled.length - rows.length;
    const steady = extra / (median(timedDoubled.map((run) => run.seconds)) - total);
    const steadyCpu =
      extra /
      (median(timedDoubled.map((run) => run.cpuSeconds)) - median(timed.map((run) => run.cpuSeconds)));
    const lines = [
      `boxed grade, ${rows.length} rows, ${workers} workers, median of ${runs} runs (${flags.cli})`,
      `  machine load average before: ${loadBefore.map((load) => load.toFixed(1)).join(" ")} on ${availableParallelism()} cores`,
      `  start-up (one row needing the CAS): ${startup.toFixed(3)} s wall, ${startupCpu.toFixed(2)} CPU-s`,
      `  ${rows.length} rows: ${total.toFixed(3)} s (best ${best.toFixed(3)} s) → cold ${Math.round(rows.length / total)} grades/s`,
      `  net of start-up: ${rateText(net)} grades/s (best run ${rateText(rows.length / (best - startup))})`,
      `  net of start-up per CPU-second (all threads): ${rateText(netCpu)} grades/CPU-s`,
      `  steady (${doubled.length} rows vs ${rows.length}): ${rateText(steady)} grades/s wall, ` +
        `${rateText(steadyCpu)} grades/CPU-s`,
      `  CLI summary: ${timed[0].summary}`,
    ];
    if (!flags["skip-math-verify"]) {
      const mv = runMathVerify(rowsFile);
      const mvRate = mv.rows / mv.seconds;
      const mvCpuRate = mv.rows / mv.cpu_seconds;
      lines.push(
        `Math-Verify 0.8.0 (${MATH_VERIFY_PIN}), same ${mv.rows} rows, one core:`,
        `  import ${mv.import_seconds.toFixed(2)} s, grading ${mv.seconds.toFixed(2)} s → ${Math.round(mvRate)} grades/s`,
        `  per CPU-second: ${Math.round(mvCpuRate)} grades/CPU-s; agreement with Qwen's score: ${((100 * mv.agreed) / mv.rows).toFixed(2)}%`,
        `ratio, wall: ${ratioText(net, mvRate)} overall, ${ratioText(net / cores, mvRate)} per core (${cores} cores)`,
        `ratio per CPU-second: ${ratioText(netCpu, mvCpuRate)} net of start-up, ${ratioText(steadyCpu, mvCpuRate)} steady`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main();
