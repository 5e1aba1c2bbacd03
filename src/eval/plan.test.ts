import { describe, expect, it } from "vitest";
import type { Sample } from "../sample/types.js";
import { planRequests } from "./plan.js";
import { gradableResponse } from "./response-answer.js";

const problem = (id: string) => ({ id, benchmark: "b", question: `Q${id}`, answer: "1" });
const stored = (problemId: string, indices: number[]): Sample[] =>
  indices.map((index) => ({
    problemId,
    index,
    text: "",
    finishReason: "stop",
    usage: { promptTokens: 0, completionTokens: 0 },
  }));

describe("planRequests", () => {
  it("requests only the missing sample indices, in runs of at most perRequest", () => {
    const plan = planRequests(
      [
        {
          name: "b",
          problems: [problem("a"), problem("c")],
          stored: new Map([["a", stored("a", [0, 1, 4, 9])]]),
        },
      ],
      8,
      3,
    );
    expect(plan.reused).toBe(3); // index 9 is beyond n = 8
    expect(plan.missing).toBe(13);
    expect(plan.requests.map((request) => [request.problem.id, request.firstIndex, request.count])).toEqual([
      ["a", 2, 2],
      ["a", 5, 3],
      ["c", 0, 3],
      ["c", 3, 3],
      ["c", 6, 2],
    ]);
    expect(() => planRequests([], 0, 1)).toThrow(/--n must be a positive integer/);
  });
});

describe("gradableResponse", () => {
  it.each([
    ["plain \\boxed{3}", false, { text: "plain \\boxed{3}", unclosedThinking: false }],
    ["<think>try 2</think> so \\boxed{3}", false, { text: " so \\boxed{3}", unclosedThinking: false }],
    ["still thinking, maybe \\boxed{2}", true, { text: null, unclosedThinking: true }],
    ["<think>cut off at 2", false, { text: null, unclosedThinking: true }],
    ["reasoning</think>answer \\boxed{5}", true, { text: "answer \\boxed{5}", unclosedThinking: false }],
  ])("%j (thinking template: %s)", (text, thinking, expected) => {
    expect(gradableResponse(text, { thinking })).toEqual(expected);
  });
});
