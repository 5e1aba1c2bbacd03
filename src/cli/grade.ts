import type { Command } from "commander";
import type { Grade } from "../verify/index.js";
import type { GradePool } from "../verify/pool/index.js";
import type { GradeRow } from "../verify/pool/rows.js";

interface GradeCommandOptions {
  input: string;
  output?: string;
  workers?: number;
  timeout?: number;
}

/**
 * Rows per block; a block's rows that need the CAS go to the pool while the next blocks are read.
 * Small blocks hand the first such row to the pool early: its CAS load (~0.5 s) is the critical path
 * (256 rows: 8,000 benchmark rows 0.05 s sooner than with 2,048).
 */
const BLOCK_ROWS = 256;
/** Blocks read ahead of the oldest unwritten one: at most 16,384 rows held in memory. */
const BLOCKS_IN_FLIGHT = 64;
const PROGRESS_EVERY_MS = 2000;
const DEFAULT_TIMEOUT_SECONDS = 5;
const READ_BYTES = 1 << 20;

function positiveFlag(flag: string, integer: boolean): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new Error(`${flag} must be a positive ${integer ? "integer" : "number"}, got "${text}"`);
    }
    return value;
  };
}

/**
 * `boxed grade`: grades a JSONL file of (gold, pred) rows, rows out in order. A row whose grade needs
 * no CAS and whose text is length-bounded (`gradeWithoutCas`) is graded on the main thread; the
 * rest go to the worker pool, started on first need, where a runaway grade is cut off at its limit.
 */
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
  const { createReadStream, createWriteStream } = await import("node:fs");
  const { createGradePool } = await import("../verify/pool/index.js");
  const { parseGradeRow } = await import("../verify/pool/rows.js");
  const input = createReadStream(options.input, { encoding: "utf8", highWaterMark: READ_BYTES });
  const opened = new Promise<void>((resolve, reject) =>
    input.once("open", () => resolve()).once("error", reject),
  );
  await opened;
  const output = options.output === undefined ? process.stdout : createWriteStream(options.output);
  let pool: GradePool | null = null;
  const poolForCas = () => {
    pool ??= createGradePool({ workers: options.workers, timeout: options.timeout });
    return pool;
  };
  const grader = await rowGrader(options.timeout ?? DEFAULT_TIMEOUT_SECONDS, poolForCas);
  const tally: Tally = { rows: 0, correct: 0, malformed: 0, timeouts: 0, errors: 0, compared: 0, agreed: 0 };
  const progress = progressPrinter(started);
  try {
    const inFlight: Promise<string>[] = [];
    let block: GradeRow[] = [];
    let lineNumber = 0;
    for await (const line of fileLines(input)) {
      lineNumber++;
      if (line.trim() === "") continue;
      block.push(parseGradeRow(line, lineNumber));
      if (block.length < BLOCK_ROWS) continue;
      inFlight.push(gradeBlock(grader, block, tally, progress));
      block = [];
      if (inFlight.length >= BLOCKS_IN_FLIGHT) await write(output, await inFlight.shift()!);
    }
    if (block.length > 0) inFlight.push(gradeBlock(grader, block, tally, progress));
    for (const text of inFlight) await write(output, await text);
  } finally {
    // `pool` is assigned inside poolForCas, which TypeScript's narrowing does not follow.
    await (pool as GradePool | null)?.close();
    if (output !== process.stdout) await new Promise<void>((resolve) => output.end(() => resolve()));
  }
  process.stderr.write(summary(tally, (performance.now() - started) / 1000));
}

const withoutCarriageReturn = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line);

/** The lines of a text stream (split on \n, a trailing \r dropped): about 3× cheaper than node:readline. */
async function* fileLines(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let partial: string[] = [];
  for await (const piece of pieces) {
    let start = 0;
    for (let end = piece.indexOf("\n"); end >= 0; end = piece.indexOf("\n", start)) {
      partial.push(piece.slice(start, end));
      yield withoutCarriageReturn(partial.join(""));
      partial = [];
      start = end + 1;
    }
    if (start < piece.length) partial.push(piece.slice(start));
  }
  if (partial.length > 0) yield withoutCarriageReturn(partial.join(""));
}

type GradableRow = Extract<GradeRow, { item: unknown }>;
type RowGrader = (rows: GradableRow[], progress: () => void) => Promise<Grade[]>;

/**
 * Grades rows in order: on this thread where `gradeWithoutCas` can (a grade that still took longer
 * than its limit reads as a timeout, as in the pool), the rest in one batch in the pool.
 */
async function rowGrader(defaultTimeout: number, poolForCas: () => GradePool): Promise<RowGrader> {
  const { gradeWithoutCas } = await import("../verify/grade-sync.js");
  const { failedGrade } = await import("../verify/pool/protocol.js");
  return async (rows, progress) => {
    const grades: (Grade | null)[] = rows.map(({ item }) => {
      const grade = gradeWithoutCas(item.gold, item.response, item.options);
      if (grade === null) return null;
      progress();
      const limitMs = 1000 * (item.options?.timeout ?? defaultTimeout);
      return grade.ms > limitMs ? failedGrade("timeout", grade.ms) : grade;
    });
    const deferred = rows.filter((_row, index) => grades[index] === null).map((row) => row.item);
    if (deferred.length === 0) return grades as Grade[];
    const pooled = await poolForCas().gradeBatch(deferred, { onProgress: progress });
    let next = 0;
    return grades.map((grade) => grade ?? pooled[next++]);
  };
}

async function gradeBlock(
  grader: RowGrader,
  rows: GradeRow[],
  tally: Tally,
  progress: () => void,
): Promise<string> {
  const { errorOutputRow, gradeOutputRow } = await import("../verify/pool/rows.js");
  const grades = await grader(
    rows.filter((row): row is GradableRow => "item" in row),
    progress,
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
