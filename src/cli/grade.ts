import type { Command } from "commander";
import type { GradePool } from "../verify/pool/index.js";
import type { GradeRow } from "../verify/pool/rows.js";

interface GradeCommandOptions {
  input: string;
  output?: string;
  workers?: number;
  timeout?: number;
}

/** Rows per block handed to the pool; two blocks are in flight so the workers never wait for input. */
const BLOCK_ROWS = 2048;
const PROGRESS_EVERY_MS = 2000;
/** Inputs this large start every worker and load the CAS in each while the rows are read. */
const WARM_POOL_BYTES = 256 * 1024;

function positiveFlag(flag: string, integer: boolean): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new Error(`${flag} must be a positive ${integer ? "integer" : "number"}, got "${text}"`);
    }
    return value;
  };
}

/** `boxed grade`: grades a JSONL file of (gold, pred) rows in the worker pool, rows out in order. */
export function registerGrade(program: Command): void {
  program
    .command("grade")
    .description("Grade model answers against gold answers (JSONL rows with gold and pred or response).")
    .requiredOption("--input <file>", "JSONL input: gold, pred (or response), optional options and expected")
    .option("--output <file>", "JSONL output, one row per input row in order (default: stdout)")
    .option("--workers <n>", "worker threads (default: available cores)", positiveFlag("--workers", true))
    .option("--timeout <seconds>", "time limit per grade (default 5)", positiveFlag("--timeout", false))
    .action((options: GradeCommandOptions) => runGrade(options));
}

interface Tally {
  rows: number;
  correct: number;
  malformed: number;
  timeouts: number;
  errors: number;
  compared: number;
  agreed: number;
}

async function runGrade(options: GradeCommandOptions): Promise<void> {
  const started = performance.now();
  const { createReadStream, createWriteStream, statSync } = await import("node:fs");
  const { createInterface } = await import("node:readline");
  const { createGradePool } = await import("../verify/pool/index.js");
  const { parseGradeRow } = await import("../verify/pool/rows.js");
  const input = createReadStream(options.input, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) =>
    input.once("open", () => resolve()).once("error", reject),
  );
  await opened;
  const output = options.output === undefined ? process.stdout : createWriteStream(options.output);
  const warm = statSync(options.input).size >= WARM_POOL_BYTES;
  const pool = createGradePool({ workers: options.workers, timeout: options.timeout, warm });
  const tally: Tally = { rows: 0, correct: 0, malformed: 0, timeouts: 0, errors: 0, compared: 0, agreed: 0 };
  const progress = progressPrinter(started);
  try {
    const inFlight: Promise<string>[] = [];
    let block: GradeRow[] = [];
    let lineNumber = 0;
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNumber++;
      if (line.trim() === "") continue;
      block.push(parseGradeRow(line, lineNumber));
      if (block.length < BLOCK_ROWS) continue;
      inFlight.push(gradeBlock(pool, block, tally, progress));
      block = [];
      if (inFlight.length >= 2) await write(output, await inFlight.shift()!);
    }
    if (block.length > 0) inFlight.push(gradeBlock(pool, block, tally, progress));
    for (const text of inFlight) await write(output, await text);
  } finally {
    await pool.close();
    if (output !== process.stdout) await new Promise<void>((resolve) => output.end(() => resolve()));
  }
  process.stderr.write(summary(tally, (performance.now() - started) / 1000));
}

async function gradeBlock(
  pool: GradePool,
  rows: GradeRow[],
  tally: Tally,
  progress: () => void,
): Promise<string> {
  const { errorOutputRow, gradeOutputRow } = await import("../verify/pool/rows.js");
  const gradable = rows.filter((row) => "item" in row);
  const grades = await pool.gradeBatch(
    gradable.map((row) => row.item),
    { onProgress: progress },
  );
  let next = 0;
  const lines = rows.map((row) => {
    tally.rows++;
    if ("error" in row) {
      tally.malformed++;
      return JSON.stringify(errorOutputRow(row));
    }
    const grade = grades[next++];
    if (grade.correct) tally.correct++;
    if (grade.reason === "timeout") tally.timeouts++;
    if (grade.reason === "error") tally.errors++;
    if (row.expected !== null) {
      tally.compared++;
      if (row.expected === grade.correct) tally.agreed++;
    }
    return JSON.stringify(gradeOutputRow(row, grade));
  });
  return `${lines.join("\n")}\n`;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** Counts grades as they arrive; prints "graded N rows" on stderr every PROGRESS_EVERY_MS after the first. */
function progressPrinter(started: number): () => void {
  let graded = 0;
  let lastPrinted = 0;
  return () => {
    graded++;
    const now = performance.now();
    if (lastPrinted === 0) lastPrinted = now;
    if (now - lastPrinted < PROGRESS_EVERY_MS) return;
    lastPrinted = now;
    const rate = graded / ((now - started) / 1000);
    process.stderr.write(`graded ${graded} rows (${Math.round(rate)} rows/s)\n`);
  };
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / Math.max(whole, 1)).toFixed(2)}%`;
}

function summary(tally: Tally, seconds: number): string {
  const graded = tally.rows - tally.malformed;
  const lines = [
    `graded ${tally.rows} rows in ${seconds.toFixed(2)} s (${Math.round(tally.rows / seconds)} rows/s): ` +
      `${tally.correct} correct (${percent(tally.correct, graded)}), ${tally.timeouts} timeouts, ` +
      `${tally.errors} errors, ${tally.malformed} malformed rows`,
  ];
  if (tally.compared > 0) {
    lines.push(
      `agreement with expected: ${tally.agreed}/${tally.compared} (${percent(tally.agreed, tally.compared)})`,
    );
  }
  return `${lines.join("\n")}\n`;
}
