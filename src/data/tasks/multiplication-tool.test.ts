import { describe, expect, it } from "vitest";
import { qwenTir } from "../../tools/formats/text-formats.js";
import { multiplicationToolTask, toolTrace } from "./multiplication-tool.js";
import { getTask } from "./registry.js";

describe("multiplication-tool task", () => {
  it("draws 4–5-digit operands with exact products, deterministically", () => {
    const problems = multiplicationToolTask.generate({ seed: 3, count: 200 });
    expect(problems).toEqual(multiplicationToolTask.generate({ seed: 3, count: 200 }));
    for (const problem of problems) {
      const [left, right] = problem.question.slice(0, -1).split("*");
      for (const operand of [left!, right!]) expect(operand.length === 4 || operand.length === 5).toBe(true);
      expect(problem.answer).toBe(String(BigInt(left!) * BigInt(right!)));
      expect(multiplicationToolTask.verify(problem, problem.meta.trace)).toBe(true);
    }
    expect(getTask("multiplication-tool")).toBe(multiplicationToolTask);
  });

  it("traces are qwen-tir tool calls: the code before the output block is what the rollout runs", () => {
    const trace = toolTrace(48213, 90417);
    expect(trace).toBe("```python\nprint(48213*90417)\n```\n```output\n4359274821\n```\n\\boxed{4359274821}");
    const beforeStop = trace.slice(0, trace.indexOf(qwenTir.stop[0]!));
    expect(qwenTir.pendingCode(beforeStop)).toBe("print(48213*90417)\n");
  });
});
