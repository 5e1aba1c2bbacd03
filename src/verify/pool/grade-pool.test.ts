import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { closeSharedGradePool, grade, gradeBatch } from "../index.js";

describe("grade and gradeBatch (the verifier in the shared pool)", () => {
  afterAll(() => closeSharedGradePool());

  it("grades one response asynchronously with the verifier's verdict", async () => {
    const verdict = await grade("\\frac{1}{2}", "So the answer is \\boxed{0.5}.");
    expect(verdict).toMatchObject({ correct: true, reason: "equivalent", predicted: "0.5" });
    expect(verdict.ms).toBeGreaterThanOrEqual(0);
  });

  it("grades a batch in order, per-item options included, and reports progress", async () => {
    const progress: number[] = [];
    const grades = await gradeBatch(
      [
        { gold: "3", response: "\\boxed{3}" },
        { gold: "3", response: "\\boxed{4}" },
        { gold: "x=3", response: "\\boxed{3}", options: { strict: false } },
        { gold: "10\\%", response: "\\boxed{0.1}" },
      ],
      { workers: 1, onProgress: (done) => progress.push(done) },
    );
    expect(grades.map((verdict) => verdict.correct)).toEqual([true, false, true, true]);
    expect(progress.at(-1)).toBe(4);
  });

  it("lets a script that never closes the shared pool exit as soon as it is done", () => {
    const index = new URL("../index.ts", import.meta.url).href;
    const script = `const { grade } = await import(${JSON.stringify(index)});
      const verdict = await grade("2", "\\boxed{2}");
      process.stdout.write(String(verdict.correct));`;
    const started = performance.now();
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("true");
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("rejects items that are not a list, naming the argument", async () => {
    await expect(gradeBatch("3" as never)).rejects.toThrow(/items must be an array/);
  });
});
