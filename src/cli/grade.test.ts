import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";

const ROWS = [
  JSON.stringify({ gold: "\\frac{1}{2}", pred: "The answer is \\boxed{0.5}", expected: true }),
  JSON.stringify({ gold: "7", response: "so we get \\boxed{8}", expected: true }),
  "{not json",
  "",
  JSON.stringify({ gold: "1" }),
  JSON.stringify({
    gold: "x=3",
    pred: "3",
    options: { strict: false, match_types: ["expr"] },
    expected: true,
  }),
  JSON.stringify({ gold: "1", pred: "1", options: { float_rounding: 3 } }),
];

describe("boxed grade", () => {
  const directory = mkdtempSync(join(tmpdir(), "boxed-grade-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("writes one row per input row in order, flags malformed rows, prints agreement and rows/s", async () => {
    const input = join(directory, "in.jsonl");
    const output = join(directory, "out.jsonl");
    writeFileSync(input, `${ROWS.join("\n")}\n`);
    const result = await runCli(["grade", "--input", input, "--output", output, "--workers", "1"]);
    expect(result.code).toBe(0);
    const rows = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(rows[0]).toMatchObject({
      correct: true,
      reason: "equivalent",
      pred_extracted: "0.5",
      expected: true,
    });
    expect(rows[0]).not.toHaveProperty("pred");
    expect(rows[1]).toMatchObject({ correct: false, pred_extracted: "8", gold_extracted: "7" });
    expect(rows[2].error).toMatch(/invalid JSON/);
    expect(rows[3].error).toMatch(/pred \(or response\) must be a string/);
    expect(rows[4]).toMatchObject({ correct: true });
    expect(rows[5].error).toMatch(/unknown option "float_rounding"/);
    expect(result.stderr).toMatch(/graded 6 rows in [\d.]+ s \(\d+ rows\/s\).*3 malformed rows/);
    expect(result.stderr).toMatch(/agreement with expected: 2\/3 \(66\.67%\)/);
  });

  it("cuts off a grade that needs the CAS at its limit while plain rows are graded on the main thread", async () => {
    const input = join(directory, "limits.jsonl");
    const tight = { timeout: 0.05 };
    const rows = [
      { gold: "\\frac{\\sqrt{8}}{2}", pred: "\\boxed{\\sqrt{2}}", options: tight },
      { gold: "\\frac{1}{2}", pred: "\\boxed{0.5}", options: tight },
    ];
    writeFileSync(input, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
    const result = await runCli(["grade", "--input", input, "--workers", "1"]);
    expect(result.code).toBe(0);
    const grades = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // Loading the CAS alone takes far longer than 50 ms: the pool's watchdog must cut that grade off.
    expect(grades[0]).toMatchObject({ correct: false, reason: "timeout" });
    expect(grades[0].ms).toBeLessThan(2000);
    expect(grades[1]).toMatchObject({ correct: true, reason: "equivalent" });
  });

  it("writes to stdout without --output and rejects a bad flag value", async () => {
    const input = join(directory, "one.jsonl");
    writeFileSync(input, `${JSON.stringify({ gold: "2", pred: "\\boxed{2}" })}\n`);
    const result = await runCli(["grade", "--input", input, "--workers", "1", "--timeout", "3"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ line: 1, correct: true });
    const bad = await runCli(["grade", "--input", input, "--workers", "0"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--workers must be a positive integer/);
  });
});
