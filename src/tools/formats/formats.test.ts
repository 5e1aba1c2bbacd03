import { describe, expect, it } from "vitest";
import { toolCallCode } from "./openai-tools.js";
import { getToolFormat } from "./registry.js";
import { codeInterpreter, qwenTir } from "./text-formats.js";

describe("tool formats", () => {
  it("qwen-tir: the code of a python block that closes the turn, none otherwise", () => {
    const turn = "Let me compute.\n```python\nprint(48213 * 90417)\n```\n";
    expect(qwenTir.pendingCode(turn)).toBe("print(48213 * 90417)\n");
    expect(qwenTir.pendingCode("The answer is \\boxed{4}.")).toBeUndefined();
    expect(qwenTir.pendingCode("```python\nx = 1\n```\nso x is 1, and then")).toBeUndefined();
    expect(qwenTir.pendingCode("```python\nprint(1)")).toBeUndefined();
    expect(qwenTir.renderOutput("42")).toBe("```output\n42\n```\n");
    expect(qwenTir.stop).toEqual(["```output"]);
  });

  it("code-interpreter: an open <code> block, fenced or not", () => {
    expect(codeInterpreter.pendingCode("Compute: <code>print(2 + 2)\n")).toBe("print(2 + 2)\n");
    expect(codeInterpreter.pendingCode("<code>\n```python\nprint(3)\n```\n")).toBe("print(3)\n");
    expect(codeInterpreter.pendingCode("<code>print(1)</code> done")).toBeUndefined();
    expect(codeInterpreter.pendingCode("no tool")).toBeUndefined();
    expect(codeInterpreter.renderOutput("4")).toBe("</code>\n<interpreter>\n4\n</interpreter>\n");
  });

  it("openai: reads the code argument, names a wrong tool or bad arguments", () => {
    expect(toolCallCode({ function: { name: "python", arguments: '{"code": "print(1)"}' } })).toEqual({
      code: "print(1)",
    });
    expect(toolCallCode({ function: { name: "shell", arguments: "{}" } })).toEqual({
      error: 'unknown tool "shell" (tools: python)',
    });
    expect(toolCallCode({ function: { name: "python", arguments: "{oops" } })).toMatchObject({
      error: /not JSON/,
    });
  });

  it("the registry names the known formats on a miss", () => {
    expect(getToolFormat("qwen-tir")).toBe(qwenTir);
    expect(() => getToolFormat("tir")).toThrow(/known formats: qwen-tir, code-interpreter, openai/);
  });
});
