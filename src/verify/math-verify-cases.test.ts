/** Agreement with Math-Verify's own test vectors (test/fixtures/grader-cases, 138 cases). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gradeSync } from "./grade-sync.js";
import type { GradeOptions } from "./types.js";

const CASES_PATH = new URL("../../test/fixtures/grader-cases/math-verify-dev.jsonl", import.meta.url);

interface GraderCase {
  gold: string;
  pred: string;
  expected: boolean;
  options: {
    match_types?: ("latex" | "expr")[];
    precision?: number;
    strict?: boolean;
    allow_set_relation_comp?: boolean;
  };
  source: string;
}

/** Math-Verify's snake_case options mapped to ours. */
function mapOptions(options: GraderCase["options"]): GradeOptions {
  return {
    matchTypes: options.match_types,
    precision: options.precision,
    strict: options.strict,
    allowSetRelationComparison: options.allow_set_relation_comp,
  };
}

describe("Math-Verify test vectors", () => {
  it("agrees with `expected` on at least 95% of the cases", () => {
    const cases: GraderCase[] = readFileSync(CASES_PATH, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const disagreements = cases.filter(
      (graderCase) =>
        gradeSync(graderCase.gold, graderCase.pred, mapOptions(graderCase.options)).correct !==
        graderCase.expected,
    );
    const agreement = 1 - disagreements.length / cases.length;
    console.log(
      `math-verify-dev agreement: ${(agreement * 100).toFixed(1)}% (${cases.length - disagreements.length}/${cases.length})`,
    );
    expect(agreement).toBeGreaterThanOrEqual(0.95);
  });
});
