import { afterAll, describe, expect, it } from "vitest";
import { createGradePool } from "./grade-pool.js";

const scripted = {
  moduleUrl: new URL("./test-helpers/scripted-grader.ts", import.meta.url).href,
  exportName: "scriptedGrade",
};

describe("grade pool over a scripted grader", () => {
  const pool = createGradePool({ workers: 2, timeout: 0.3, grader: scripted });
  afterAll(() => pool.close());

  it("grades a batch in order", async () => {
    const items = Array.from({ length: 500 }, (_, index) => ({
      gold: String(index),
      response: String(index % 3 === 0 ? index : index + 1),
    }));
    const grades = await pool.gradeBatch(items);
    expect(grades.map((grade) => grade.correct)).toEqual(items.map((_, index) => index % 3 === 0));
    expect(grades[7].predicted).toBe("8");
  });

  it("cuts off a runaway grade at its limit and keeps the rest of the batch", async () => {
    const started = Date.now();
    const grades = await pool.gradeBatch([
      { gold: "1", response: "1" },
      { gold: "1", response: "spin" },
      { gold: "2", response: "2" },
      { gold: "1", response: "spin" },
      { gold: "3", response: "3" },
    ]);
    expect(grades.map((grade) => grade.reason)).toEqual([
      "equivalent",
      "timeout",
      "equivalent",
      "timeout",
      "equivalent",
    ]);
    expect(grades[1].correct).toBe(false);
    expect(grades[1].ms).toBeGreaterThanOrEqual(290);
    expect(grades[1].ms).toBeLessThan(600);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(pool.stats().timeouts).toBe(2);
  });

  it("honours an item's own timeout over the pool's", async () => {
    const grade = await pool.grade("spin:400", "spin:400", { timeout: 1 });
    expect(grade.reason).toBe("equivalent");
    const cut = await pool.grade("1", "spin", { timeout: 0.1 });
    expect(cut.reason).toBe("timeout");
    expect(cut.ms).toBeLessThan(400);
  });

  it("turns a thrown error, a worker exit and an out-of-memory worker into error verdicts", async () => {
    const grades = await pool.gradeBatch([
      { gold: "1", response: "throw" },
      { gold: "1", response: "exit" },
      { gold: "1", response: "1" },
      { gold: "1", response: "allocate", options: { timeout: 30 } },
      { gold: "4", response: "4" },
    ]);
    expect(grades.map((grade) => grade.reason)).toEqual([
      "error",
      "error",
      "equivalent",
      "error",
      "equivalent",
    ]);
  }, 60_000);

  it("recovers its throughput after workers were cut off", async () => {
    const items = Array.from({ length: 2000 }, (_, index) => ({ gold: "x", response: String(index % 2) }));
    const grades = await pool.gradeBatch(items);
    expect(grades.every((grade) => grade.reason === "not_equivalent")).toBe(true);
    expect(pool.stats().workers).toBe(2);
    expect(pool.stats().replaced).toBeGreaterThanOrEqual(4);
  });

  it("reports progress and keeps a printing grader off stdout", async () => {
    const seen: number[] = [];
    const grades = await pool.gradeBatch(
      Array.from({ length: 10 }, () => ({ gold: "1", response: "print" })),
      { onProgress: (done) => seen.push(done) },
    );
    expect(grades.every((grade) => grade.correct)).toBe(true);
    expect(seen.at(-1)).toBe(10);
  });

  it("rejects bad items, naming the argument", async () => {
    await expect(pool.gradeBatch([{ gold: "1", response: 2 as unknown as string }])).rejects.toThrow(
      /items\[0\]\.response must be a string/,
    );
    await expect(pool.grade("1", "1", { timeout: -1 })).rejects.toThrow(
      /options\.timeout must be a positive/,
    );
  });
});

describe("grade pool start-up", () => {
  it("fails with a clear error when its workers cannot load the grader", async () => {
    const pool = createGradePool({
      workers: 1,
      grader: { moduleUrl: scripted.moduleUrl, exportName: "notAFunction" },
    });
    await expect(pool.grade("1", "1")).rejects.toThrow(/workers fail to start: .*no function export/);
    await pool.close();
  });

  it("starts every worker at once when asked to warm up", async () => {
    const pool = createGradePool({ workers: 2, grader: scripted, warm: true });
    expect(pool.stats().workers).toBe(2);
    expect(await pool.grade("1", "1")).toMatchObject({ correct: true });
    await pool.close();
  });

  it("starts a second worker only for a backlog of at least a full chunk", async () => {
    const pool = createGradePool({ workers: 2, grader: scripted, maxChunk: 16 });
    await pool.gradeBatch(Array.from({ length: 20 }, () => ({ gold: "1", response: "1" })));
    expect(pool.stats().workers).toBe(1);
    await pool.gradeBatch(Array.from({ length: 200 }, () => ({ gold: "1", response: "1" })));
    expect(pool.stats().workers).toBe(2);
    await pool.close();
  });

  it("returns nothing for an empty batch and rejects what is still waiting when closed", async () => {
    const pool = createGradePool({ workers: 1, grader: scripted, timeout: 30 });
    expect(await pool.gradeBatch([])).toEqual([]);
    const waiting = expect(pool.gradeBatch([{ gold: "1", response: "spin" }])).rejects.toThrow(
      /closed before this item was graded/,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pool.close();
    await waiting;
    await expect(pool.grade("1", "1")).rejects.toThrow(/grade pool is closed/);
  });

  it("rejects a bad pool option, naming it", () => {
    expect(() => createGradePool({ workers: 0 })).toThrow(/workers must be a positive/);
    expect(() => createGradePool({ workers: 1.5 })).toThrow(/workers must be an integer/);
  });
});
