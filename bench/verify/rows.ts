/** The benchmark's input rows: the 800 real Qwen2.5-Math responses ×10, each copy made distinct. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const RESPONSES_FILE = new URL(
  "../../test/fixtures/responses/qwen25-math-math_cot_100.jsonl",
  import.meta.url,
);

/**
 * Closing lines appended after the answer, one per copy. They hold no digit and no math, so they
 * change no extraction (the last number or `$...$` fallbacks) while making every row a new string:
 * no cache keyed on the text can serve a copy.
 */
const CLOSING_LINES = [
  "I hope it is correct.",
  "That completes the solution.",
  "This is the final result.",
  "Hence the answer above.",
  "We are done.",
  "The reasoning is complete.",
  "Thus the problem is solved.",
  "End of solution.",
  "So that is the answer.",
  "Checked and confirmed.",
];

export interface BenchRow {
  gold: string;
  pred: string;
  /** Qwen's grader's verdict on the original response. */
  expected: boolean;
}

interface ResponseRecord {
  answer: string;
  code: string[];
  score: boolean[];
}

/** Second closing words, for copies past the tenth (copy c gets line c % 10 and word ⌊c / 10⌋). */
const SIGN_OFFS = [
  "",
  " Thanks.",
  " Good.",
  " Fine.",
  " Right.",
  " Okay.",
  " Noted.",
  " Clear.",
  " Sure.",
  " Yes.",
];

export function buildRows(copies: number): BenchRow[] {
  const most = CLOSING_LINES.length * SIGN_OFFS.length;
  if (!Number.isInteger(copies) || copies < 1 || copies > most) {
    throw new Error(`copies must be an integer from 1 to ${most}, got ${copies}`);
  }
  const records = readFileSync(RESPONSES_FILE, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ResponseRecord);
  const rows: BenchRow[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const record of records) {
      record.code.forEach((response, index) => {
        rows.push({
          gold: record.answer,
          pred: `${response}\n\n${CLOSING_LINES[copy]}`,
          expected: record.score[index],
        });
      });
    }
  }
  return rows;
}

export function writeRows(directory: string, name: string, rows: object[]): string {
  const path = join(directory, name);
  writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
  return path;
}
