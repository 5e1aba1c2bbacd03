/** Agreement with Qwen2.5-Math's grader on 800 real responses (test/fixtures/responses). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gradeSync } from "./grade-sync.js";

const RESPONSES_PATH = new URL(
  "../../test/fixtures/responses/qwen25-math-math_cot_100.jsonl",
  import.meta.url,
);

/**
 * Disagreements inspected by hand where Qwen's grader is wrong (see docs/verifier.md): problem
 * index → reason. Any disagreement outside this list fails the test.
 */
const ADJUDICATED: Record<number, string> = {
  3: "gold \\text{4:30 p.m.}, responses box 4:30 \\text{ p.m.}: Qwen compares its stripped `4:30` with the text gold",
  72: "gold 10{,}000, response boxes 10000: Qwen does not read the {,} thousands separator",
};

interface ResponseRow {
  answer: string;
  code: string[];
  score: boolean[];
}

describe("Qwen2.5-Math responses", () => {
  it("agrees with Qwen's grader except on the adjudicated cases, where Qwen is wrong", () => {
    const rows: ResponseRow[] = readFileSync(RESPONSES_PATH, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    let total = 0;
    const disagreements: number[] = [];
    rows.forEach((row, index) => {
      row.code.forEach((response, sample) => {
        total++;
        if (gradeSync(row.answer, response).correct !== row.score[sample]) disagreements.push(index);
      });
    });
    const agreement = 1 - disagreements.length / total;
    const unexplained = disagreements.filter((index) => !(index in ADJUDICATED));
    const adjudicatedAgreement = 1 - unexplained.length / total;
    console.log(
      `qwen25 agreement: raw ${(agreement * 100).toFixed(2)}% (${total - disagreements.length}/${total}), ` +
        `counting adjudicated Qwen errors as ours-right ${(adjudicatedAgreement * 100).toFixed(2)}%`,
    );
    expect(unexplained).toEqual([]);
    expect(agreement).toBeGreaterThanOrEqual(0.985);
  });
});
