import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmarks, getBenchmark, loadBenchmark } from "./benchmarks.js";
import { gsm8kAnswer, lastBoxedContent } from "./boxed-gold.js";
import { shippedBenchmarksDir } from "./package-paths.js";

/** SHA-256 of each benchmark file as distributed in the shared data set (`sha256sum` output). */
const CHECKSUMS = readFileSync(join(import.meta.dirname, "../../test/fixtures/benchmarks.sha256"), "utf8")
  .trim()
  .split("\n")
  .map((line) => line.split(/\s+/) as [string, string]);

describe("benchmark registry", () => {
  it("ships byte-identical copies of the shared benchmark files (by SHA-256)", () => {
    const files = CHECKSUMS.map(([, file]) => file);
    expect(files.sort()).toEqual([...benchmarks.values()].map((benchmark) => benchmark.file).sort());
    for (const [digest, file] of CHECKSUMS) {
      const shipped = readFileSync(join(shippedBenchmarksDir(), file));
      expect(createHash("sha256").update(shipped).digest("hex"), file).toBe(digest);
    }
  });

  it.each([
    ["aime24", 30],
    ["aime25", 30],
    ["amc23", 40],
    ["math500", 500],
    ["minerva_math", 272],
    ["olympiadbench", 675],
    ["gsm8k", 1319],
  ])("loads %s with a question and a gold answer on every row (%i rows)", (name, rows) => {
    const problems = loadBenchmark(name);
    expect(problems).toHaveLength(rows);
    expect(new Set(problems.map((problem) => problem.id)).size).toBe(rows);
    for (const problem of problems) {
      expect(problem.benchmark).toBe(name);
      expect(problem.question.length).toBeGreaterThan(10);
      expect(problem.answer.trim()).not.toBe("");
    }
    const directory = mkdtempSync(join(tmpdir(), "boxed-benchmarks-"));
    const file = getBenchmark(name).file;
    copyFileSync(join(shippedBenchmarksDir(), file), join(directory, file));
    expect(loadBenchmark(name, { directory })).toEqual(problems);
  });

  it("maps fields and extracts golds hidden in solutions", () => {
    expect(loadBenchmark("aime24")[0].answer).toBe("204");
    expect(loadBenchmark("amc23")[0].answer).toBe("27");
    expect(loadBenchmark("gsm8k")[0].answer).toBe("18");
    const math = loadBenchmark("math500")[0];
    expect(math.answer).toBe("\\left( 3, \\frac{\\pi}{2} \\right)");
    expect(math.meta).toEqual({ subject: "Precalculus", level: 2 });
    const olympiad = loadBenchmark("olympiadbench")[0];
    expect(olympiad.answer).toBe("2");
    expect(olympiad.meta?.subject).toBe("Combinatorics");
  });

  it("throws on an unknown benchmark, listing the known ones", () => {
    expect(() => getBenchmark("aime23")).toThrow(
      /unknown benchmark "aime23"; known benchmarks: aime24, aime25/,
    );
  });
});

describe("gold extraction", () => {
  it.each([
    ["so $s = \\boxed{1.6}$ cm", "1.6"],
    ["\\boxed{a} then \\boxed{\\frac{1}{2}}", "\\frac{1}{2}"],
    ["\\fbox{7}", "7"],
    ["no box", null],
    ["\\boxed{unbalanced", null],
  ])("lastBoxedContent(%j) = %j", (input, expected) => {
    expect(lastBoxedContent(input)).toBe(expected);
  });

  it.each([
    ["so 9 * 2 = 18\n#### 18", "18"],
    ["#### 1,234", "1234"],
    ["no marker", null],
  ])("gsm8kAnswer(%j) = %j", (input, expected) => {
    expect(gsm8kAnswer(input)).toBe(expected);
  });
});
