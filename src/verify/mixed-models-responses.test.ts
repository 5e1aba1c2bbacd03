/**
 * Agreement with the adjudicated labels of 800 real responses of other models
 * (test/fixtures/responses/mixed-models-dev.jsonl: Qwen2.5-14B-Instruct on AIME24, AMC23, MATH-500,
 * Minerva, OlympiadBench; GPT-3 6B on GSM8K). Pins the figure in docs/verifier.md.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gradeSync } from "./grade-sync.js";

const RESPONSES_PATH = new URL("../../test/fixtures/responses/mixed-models-dev.jsonl", import.meta.url);

/** Rows (0-based line numbers) where boxed and the label disagree, each read by hand (docs/verifier.md). */
const EXPLAINED: Record<number, string> = {
  150:
    "gold 4.5e33, response boxes 4.5 \\times 10^{33} \\, \\text{erg s}^{-1}: the same value in the unit the question " +
    "asks for; labelled false where the source label, Math-Verify and the old boxed agreed, so no person read it",
};

interface MixedRow {
  gold: string;
  response: string;
  expected: boolean;
}

describe("mixed-models responses (adjudicated)", () => {
  it("agrees with `expected` on at least 99.5%, and only the listed rows disagree", () => {
    const rows: MixedRow[] = readFileSync(RESPONSES_PATH, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const disagreements = rows.flatMap((row, index) =>
      gradeSync(row.gold, row.response).correct === row.expected ? [] : [index],
    );
    const agreement = 1 - disagreements.length / rows.length;
    console.log(
      `mixed-models-dev agreement: ${(agreement * 100).toFixed(2)}% (${rows.length - disagreements.length}/${rows.length})`,
    );
    expect(disagreements.filter((index) => !(index in EXPLAINED))).toEqual([]);
    expect(agreement).toBeGreaterThanOrEqual(0.995);
  });
});
