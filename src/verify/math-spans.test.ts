import { describe, expect, it } from "vitest";
import { blankMathSpans, findMathSpans } from "./math-spans.js";

const contents = (text: string) => findMathSpans(text).map((span) => span.content);

describe("findMathSpans", () => {
  it("finds every delimiter kind in order", () => {
    expect(contents("a $1$ b $$2$$ c \\(3\\) d \\[4\\]")).toEqual(["1", "2", "3", "4"]);
  });
  it("lets display math span lines but not inline math", () => {
    expect(contents("\\[ \n 9 \n \\]")).toEqual(["9"]);
    expect(contents("\\( \n 9 \n \\)")).toEqual([]);
    expect(contents("$a\nb$")).toEqual([]);
  });
  it("skips empty spans and unclosed openers", () => {
    expect(contents("$ $ then \\[ never closed, then $x$")).toEqual(["x"]);
  });
  it("blanks spans keeping positions", () => {
    const text = "is $x$ 5";
    expect(blankMathSpans(text)).toBe("is     5");
  });
});
