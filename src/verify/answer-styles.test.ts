/**
 * Table-driven tests, one table per category of answer style that models other than the ones the
 * rules were written for produce (issue #14). Cases are made up, of the same kind as real outputs;
 * each table is named after its category, never after a case. Gold first.
 */
import { describe, expect, it } from "vitest";
import { gradeSync } from "./grade-sync.js";

type Row = [gold: string, response: string, expected: boolean];
const table = (rows: Row[]) =>
  it.each(rows)("%s vs %s → %s", (gold, response, expected) => {
    expect(gradeSync(gold, response).correct).toBe(expected);
  });

describe("units and trailing words after a quantity (unit grammar)", () => {
  table([
    ["42", "\\boxed{42 \\text{ km/h}}", true],
    ["3.5", "\\boxed{3.5 \\mathrm{~kg}}", true],
    ["250", "\\boxed{250°F}", true],
    ["9.8", "\\boxed{9.8 \\text{ m s}^{-2}}", true],
    ["18", "\\boxed{18 \\text{ cm}^3}", true],
    ["6.02 \\times 10^{23}", "\\boxed{6.02 \\times 10^{23} \\text{ mol}^{-1}}", true],
    ["\\frac{50}{3}", "\\boxed{\\frac{50}{3} \\mathrm{~m} / \\mathrm{s}}", true],
    ["5", "\\boxed{5^{\\text{th}}\\text{ place}}", true],
    ["7", "\\boxed{7 \\, \\mu\\text{m}}", true],
    ["12", "\\boxed{12 \\text{ apples}}", true],
    ["2.5", "\\boxed{2.5 \\, \\text{kJ mol}^{-1}}", true],
    ["0.5 \\text{ m}", "\\boxed{50 \\text{ cm}}", true],
    ["2 \\text{ km}", "\\boxed{2000 \\text{ m}}", true],
    ["0.5 \\text{ m}", "\\boxed{5 \\text{ cm}}", false],
    ["43", "\\boxed{42 \\text{ km/h}}", false],
    ["\\frac{37}{4} m", "\\boxed{\\frac{37m}{4}}", true],
  ]);
});

describe("relations: spellings, rearranged equations, named left sides, chains", () => {
  table([
    ["x < 3", "\\boxed{x \\lt 3}", true],
    ["x > 3", "\\boxed{x \\gt 3}", true],
    ["x \\ne 2", "\\boxed{x != 2}", true],
    ["x \\le 1", "\\boxed{x \\leqslant 1}", true],
    ["x \\le 1", "\\boxed{x ≤ 1}", true],
    ["3x-6y+9=0", "\\boxed{y=\\frac{1}{2}x+\\frac{3}{2}}", true],
    ["\\frac{x^2}{9}+\\frac{y^2}{4}=1", "\\boxed{4x^2+9y^2=36}", true],
    ["\\frac{x^2}{9}+\\frac{y^2}{4}=1", "\\boxed{4x^2+9y^2=35}", false],
    ["x < 1", "\\boxed{2x < 2}", true],
    ["x < 1", "\\boxed{-2x < -2}", false],
    ["52", "\\boxed{AB^2 = 52}", true],
    ["3t^2+1", "\\boxed{v(t) = 3t^2 + 1}", true],
    ["40\\sqrt{Q}", "\\boxed{P = 40\\sqrt{Q}}", true],
    ["\\frac{1}{s+2}", "\\boxed{\\frac{Y(s)}{U(s)} = \\frac{1}{s+2}}", true],
    ["15", "\\boxed{x + y + z = 4 + 5 + 6 = 15}", true],
    ["14", "\\boxed{x + y + z = 4 + 5 + 6 = 15}", false],
    ["3", "\\boxed{x + 1 = 4}", false],
  ]);
});

describe("functions with arbitrary constants", () => {
  table([
    ["x^2 + C", "\\boxed{x^2 + c}", true],
    ["\\frac{x^3}{3} + C", "\\boxed{\\frac{1}{3}x^3 + K}", true],
    ["C_1 e^{x} + C_2 e^{-x}", "\\boxed{c_1 e^{x} + c_2 e^{-x}}", true],
    ["C_1 \\sin t + C_2 \\cos t", "\\boxed{C_1 \\cos t + C_2 \\sin t}", false],
    ["x^2 + C", "\\boxed{x^2 + 2c}", false],
  ]);
});

describe("grouping: brackets as parentheses", () => {
  table([
    ["\\frac{\\sin t+\\cos t}{3}", "\\boxed{\\frac{1}{3}[\\sin t+\\cos t]}", true],
    ["\\frac{x+1}{2}", "\\boxed{\\frac{1}{2}\\left[x+1\\right]}", true],
    ["2(x+1)", "\\boxed{2\\bigl(x+1\\bigr)}", true],
    ["[0, 1]", "\\boxed{[0, 1]}", true],
    ["[0, 1]", "\\boxed{(0, 1)}", false],
  ]);
});

describe("tuples, lists and several answers", () => {
  table([
    ["2, 4, 6", "\\boxed{(2, 4, 6)}", true],
    ["2, 4, 6", "\\boxed{(2, 6, 4)}", false],
    ["(1, 2), (3, 4)", "\\boxed{(3, 4), (1, 2)}", true],
    ["3, 5", "The roots are $\\boxed{3}$ and $\\boxed{5}$.", true],
    [
      "\\begin{pmatrix} 1 \\\\ 2 \\\\ 3 \\end{pmatrix}",
      "\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\\\ 3 \\end{pmatrix}}",
      true,
    ],
    ["\\begin{pmatrix} 1 \\\\ 2 \\\\ 3 \\end{pmatrix}", "\\boxed{3}", false],
    [
      "\\begin{pmatrix} 4 \\\\ 6 \\end{pmatrix}",
      "\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix} + \\begin{pmatrix} 3 \\\\ 4 \\end{pmatrix}}",
      true,
    ],
  ]);
});

describe("extraction picks the committed answer", () => {
  const longDerivation = "We expand the product term by term and collect the powers of x.\n".repeat(4);
  table([
    ["7", "Ann7Bob7xyz", false],
    ["7", "The code is Ann7Bob7xyz and nothing else.", false],
    ["9", `${longDerivation}So far we have $3 + 6 = 9$ and then we need \\[ 9 \\cdot \\frac{1`, false],
    ["12", `${longDerivation}Multiplying, the value becomes 12 and then the`, false],
    ["12", `${longDerivation}Therefore the total is 12.`, true],
    ["5", "(a) The first part gives \\boxed{3}.\n(b) The second part gives \\boxed{5}.", true],
    ["18", "Janet has 9 + 9 = 18 eggs.\n#### 18", true],
    ["18", "Janet has 9 + 9 = 18 eggs.\nA: 18", true],
    ["4", "**Final Answer:**\n\nThe value is $\\boxed{4}$.", true],
    ["42", "6 * 7 = 42. The answer is 42.\n\nQuestion: Tom has 3 apples and buys 4 more.\nAnswer: 7", true],
    ["7", "6 * 7 = 42. The answer is 42.\n\nQuestion: Tom has 3 apples and buys 4 more.\nAnswer: 7", false],
    [
      "3",
      "<|begin_of_thought|>Maybe \\boxed{2}? No.<|end_of_thought|>\n<|begin_of_solution|>So \\boxed{3}<|end_of_solution|>",
      true,
    ],
    ["\\frac{1}{6}", "\\boxed{\\frac{1}{6} \\approx 0.167}", true],
    ["0.5", "The probability is 1/2.", true],
    ["2", "The answer is 2.\n\nHuman: what about 3?", true],
  ]);
  it("gives no_answer for a truncated response", () => {
    const grade = gradeSync(
      "9",
      `${longDerivation}So far we have $3 + 6 = 9$ and then \\[ 9 \\cdot \\frac{1`,
    );
    expect(grade.reason).toBe("no_answer");
    expect(grade.ruleFired).toBe("truncated");
  });
});

describe("tolerance: relative for small magnitudes, exact for exact values", () => {
  table([
    ["4.1\\times10^{-8}", "\\boxed{4.1\\times10^{-9}}", false],
    ["4.1\\times10^{-8} \\text{ m}", "\\boxed{4.1\\times10^{-9} \\text{ m}}", false],
    ["0.00000041", "\\boxed{0.000000042}", false],
    ["0.00000041", "\\boxed{4.1 \\times 10^{-7}}", true],
    ["\\frac{1}{3}", "\\boxed{0.333333}", true],
    ["\\frac{1}{3}", "\\boxed{0.33}", false],
    ["10^{30}", "\\boxed{10^{30}+1}", false],
    ["3.14159", "\\boxed{3.14159}", true],
  ]);
});

describe("numbers in words and percent", () => {
  table([
    ["3", "The answer is three.", true],
    ["12", "\\boxed{\\text{twelve}}", true],
    ["25", "The answer is twenty-five.", true],
    ["12\\%", "The answer is 12 percent.", true],
    ["12\\%", "The answer is 12 per cent.", true],
    ["4", "The answer is three.", false],
  ]);
});

describe("scientific-notation golds, complex forms, trailing periods", () => {
  table([
    ["2.5e-6", "\\boxed{2.5 \\times 10^{-6}}", true],
    ["2.5e-6", "\\boxed{0.0000025}", true],
    ["2.5e-6", "\\boxed{2.5}", false],
    ["1-i", "\\boxed{\\frac{2}{1+i}}", true],
    ["1+i", "\\boxed{\\frac{2}{1+i}}", false],
    ["\\frac{3+4i}{5}", "\\boxed{0.6+0.8i}", true],
    ["(-\\infty,2)\\cup\\{5\\}", "\\boxed{(-\\infty,2)\\cup\\{5\\}.}", true],
    ["(-\\infty,2)\\cup\\{5\\}.", "\\boxed{5}", false],
  ]);
});
