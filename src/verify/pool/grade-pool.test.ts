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

  it("rejects items that are not a list, naming the argument", async () => {
    await expect(gradeBatch("3" as never)).rejects.toThrow(/items must be an array/);
  });
});
