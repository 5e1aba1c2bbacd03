import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gradeSync, gradeWithoutCas, MAX_INLINE_ANSWER, MAX_INLINE_TEXT } from "./grade-sync.js";
import {
  pathologicalAnswers,
  randomCharacters,
  randomLatex,
  seededRandom,
} from "./pool/test-helpers/adversarial-inputs.js";

const responses = readFileSync(
  new URL("../../test/fixtures/responses/qwen25-math-math_cot_100.jsonl", import.meta.url),
  "utf8",
)
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as { answer: string; code: string[] });

describe("gradeWithoutCas (grades a caller may run on its own thread)", () => {
  it("gives gradeSync's verdict on the real responses it grades, and grades nearly all of them", () => {
    let graded = 0;
    for (const record of responses) {
      for (const response of record.code) {
        const inline = gradeWithoutCas(record.answer, response);
        if (inline === null) continue;
        graded++;
        const full = gradeSync(record.answer, response);
        expect({ ...inline, ms: 0 }).toEqual({ ...full, ms: 0 });
      }
    }
    expect(graded).toBeGreaterThan(0.95 * responses.length * responses[0].code.length);
  });

  it("defers a comparison that needs the CAS", () => {
    expect(gradeWithoutCas("2\\sin t \\cos t", "\\boxed{\\sin 2t}")).toBeNull();
    expect(gradeWithoutCas("\\frac{\\sqrt{8}}{2}", "\\boxed{\\sqrt2}")).toBeNull();
    expect(gradeWithoutCas("(1, 2)", "\\boxed{(1, 2)}")?.correct).toBe(true);
    expect(gradeWithoutCas("\\frac{1}{2}", "\\boxed{0.5}")?.correct).toBe(true);
  });

  it("decides rational functions without the CAS (exact evaluation, rational-eval.ts)", () => {
    expect(gradeWithoutCas("\\frac{x^2-1}{x-1}", "\\boxed{x+1}")?.correct).toBe(true);
    expect(gradeWithoutCas("\\frac{x^2-1}{x-1}", "\\boxed{x-1}")?.correct).toBe(false);
  });

  it("refuses inputs and answers longer than it can bound", () => {
    const padding = "word ".repeat(MAX_INLINE_TEXT / 5);
    expect(gradeWithoutCas("1", `${padding}\\boxed{1}`)).toBeNull();
    expect(gradeWithoutCas(`${padding}\\boxed{1}`, "\\boxed{1}")).toBeNull();
    const longAnswer = "1+".repeat(MAX_INLINE_ANSWER);
    expect(gradeWithoutCas("1", `\\boxed{${longAnswer}1}`)).toBeNull();
    expect(gradeSync("1", `${padding}\\boxed{1}`).correct).toBe(true);
  });

  it("refuses or quickly grades every pathological input, also repeated to the longest it accepts", () => {
    const random = seededRandom(7);
    const fill = (text: string) => text.repeat(Math.ceil(MAX_INLINE_TEXT / Math.max(1, text.length)));
    const inputs = [
      ...pathologicalAnswers().flatMap((answer) => [answer, fill(answer).slice(0, MAX_INLINE_TEXT - 9)]),
      ...Array.from({ length: 10 }, () => randomLatex(random, MAX_INLINE_TEXT - 9)),
      ...Array.from({ length: 10 }, () => randomCharacters(random, MAX_INLINE_TEXT - 9)),
    ];
    for (const input of inputs) {
      const started = performance.now();
      const grade = gradeWithoutCas("12", `\\boxed{${input}}`);
      gradeWithoutCas(input.slice(0, MAX_INLINE_ANSWER), "\\boxed{12}");
      const ms = performance.now() - started;
      if (input.length + 8 > MAX_INLINE_TEXT) expect(grade).toBeNull();
      // Measured worst case ~7 ms; generous because a loaded machine stretches the wall time.
      expect(ms).toBeLessThan(500);
    }
  });

  it("names a bad argument", () => {
    expect(() => gradeWithoutCas(1 as unknown as string, "1")).toThrow(/gold must be a string/);
  });
});
