import type { OpenAIToolFormat } from "./types.js";

/**
 * OpenAI function calling (`tools` on the request, `tool_calls` on the assistant message, a
 * `role: "tool"` message with `tool_call_id` for the result): platform.openai.com API reference,
 * "Create chat completion"; vLLM serves it with `--enable-auto-tool-choice --tool-call-parser …`.
 */
export const openaiTools: OpenAIToolFormat = {
  kind: "openai",
  name: "openai",
  description: "OpenAI tools / tool_calls (chat servers that parse tool calls, e.g. vLLM's tool parsers)",
  tool: {
    type: "function",
    function: {
      name: "python",
      description: "Run Python 3 code (numpy and sympy available) and return what it prints, or its error.",
      parameters: {
        type: "object",
        properties: {
          code: { type: "string", description: "The Python program to run; print the results you need." },
        },
        required: ["code"],
      },
    },
  },
  instructions: "To compute, call the python tool with a program that prints what you need.",
};

/** The `code` argument of a tool call, or an error message naming what is wrong with it. */
export function toolCallCode(call: {
  function?: { name?: string; arguments?: string };
}): { code: string } | { error: string } {
  if (call.function?.name !== openaiTools.tool.function.name) {
    return { error: `unknown tool "${call.function?.name}" (tools: ${openaiTools.tool.function.name})` };
  }
  try {
    const parsed = JSON.parse(call.function.arguments ?? "") as { code?: unknown };
    if (typeof parsed.code === "string") return { code: parsed.code };
    return { error: 'the python tool takes {"code": "<program>"}' };
  } catch {
    return { error: `tool arguments are not JSON: ${String(call.function.arguments).slice(0, 200)}` };
  }
}
