import { describe, expect, it } from "vitest";
import { extractAnswer, findBoxes } from "./extract.js";

describe("extractAnswer", () => {
  const cases: [string, string, string | null, string | null][] = [
    ["last boxed", "first \\boxed{1} then much later text \\boxed{\\frac{1}{2}}.", "\\frac{1}{2}", "boxed"],
    ["nested braces", "so \\boxed{\\frac{\\sqrt{3}}{2}}", "\\frac{\\sqrt{3}}{2}", "boxed"],
    ["fbox", "answer \\fbox{42}", "42", "boxed"],
    ["boxed without braces", "the result is \\boxed 5.", "5.", "boxed"],
    [
      "several boxes joined by and",
      "$\\boxed{(2, 2)} \\quad \\text{and} \\quad \\boxed{(6, 2)}$",
      "(2, 2), (6, 2)",
      "boxed_multiple",
    ],
    ["boxes joined by a comma only", "\\boxed{1}, \\boxed{2}", "1, 2", "boxed_multiple"],
    ["boxes joined by words without a conjunction: last wins", "\\boxed{5}, so \\boxed{10}", "10", "boxed"],
    ["boxes far apart: last wins", "\\boxed{1} no no no no no \\boxed{2}", "2", "boxed"],
    ["think block ignored", "<think>maybe \\boxed{3}</think> The answer is $4$.", "4", "final_answer_phrase"],
    [
      "final answer phrase",
      "Final Answer: The final answer is $\\frac{10}{27}$. I hope it is correct.",
      "\\frac{10}{27}",
      "final_answer_phrase",
    ],
    [
      "phrase with prose then number",
      "Final Answer: the domain of $f(x)$ has 19 points.",
      "19",
      "final_answer_phrase",
    ],
    ["answer colon", "Work...\nAnswer: 12", "12", "answer_colon"],
    ["last inline math", "so we get $x$ and then $7$", "x, 7", "last_math"],
    ["display math", "Answer \\[ \n 9 \n \\]", "9", "last_math"],
    ["whole text answer", "\\frac{14}{3}", "\\frac{14}{3}", "whole_text"],
    ["multiple choice", "After checking every option we pick (B)", "B", "multiple_choice"],
    ["last number with thousands", "so the number is 10 which is 1,000.99m²", "1000.99", "last_number"],
    ["decimal comma", "Soucis : 2,74 $ a..", "2.74", "last_number"],
    ["empty", "   ", null, null],
  ];
  it.each(cases)("%s", (_name, text, answer, rule) => {
    expect(extractAnswer(text)).toEqual({ answer, ruleFired: rule });
  });

  it("does not read \\( \\) across a newline as math", () => {
    expect(extractAnswer("Answer \\( \n 9 \n \\)", { matchTypes: ["latex"] })).toEqual({
      answer: null,
      ruleFired: null,
    });
  });

  it("reads a lone decimal comma only where a list is impossible or latex is off", () => {
    expect(extractAnswer("1,22").answer).toBe("1,22");
    expect(extractAnswer("1,22", { matchTypes: ["expr"] }).answer).toBe("1.22");
    expect(extractAnswer("0,111").answer).toBe("0.111");
  });

  it("respects matchTypes: no latex spans when only expr is enabled", () => {
    expect(extractAnswer("the value $x$ is 5 apples", { matchTypes: ["expr"] })).toEqual({
      answer: "5",
      ruleFired: "last_number",
    });
  });

  it("rejects a non-string input with the argument's name", () => {
    expect(() => extractAnswer(3 as unknown as string)).toThrow(/text/);
  });
});

describe("findBoxes", () => {
  it("finds outermost boxes only, in order, in one pass", () => {
    expect(findBoxes("\\boxed{\\boxed{1}} and \\fbox{2}").map((box) => box.content)).toEqual([
      "\\boxed{1}",
      "2",
    ]);
  });
  it("skips an unbalanced box but keeps a closed one after it", () => {
    expect(findBoxes("\\boxed{broken \\boxed{5}").map((box) => box.content)).toEqual(["5"]);
  });
  it("reads boxes escaped twice (`\\\\boxed`)", () => {
    expect(findBoxes("so \\\\boxed{004}.").map((box) => box.content)).toEqual(["004"]);
  });
});
