import { createServer } from "node:http";

/**
 * A scripted chat/completions server standing in for a model that writes code (the real model's
 * rollouts are measured in the tools demo, bench/tools/tool-demo.ts): first turn a program, then the
 * answer read from the tool's output; /v1/models lists one model. It records every request body, so the test checks what the loop sends.
 */
export function scriptedModel(program: string) {
  const bodies: Record<string, unknown>[] = [];
  const answer = (context: string) => {
    const outputs = [
      ...context.matchAll(/(?:```output|<interpreter>)\n([\s\S]*?)\n(?:```|<\/interpreter>)/g),
    ];
    const last = outputs.at(-1)?.[1];
    return last === undefined ? null : `So the result is \\boxed{${last.trim().split("\n").at(-1)}}.`;
  };
  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += chunk;
    });
    request.on("end", () => {
      if (request.method === "GET") {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ object: "list", data: [{ id: "scripted", object: "model" }] }));
        return;
      }
      const body = JSON.parse(raw) as {
        prompt: string;
        stop?: string[];
        tools?: unknown[];
        messages: { role: string; content: string | null }[];
      };
      response.setHeader("content-type", "application/json");
      bodies.push(body as unknown as Record<string, unknown>);
      const usage = { prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 };
      if (request.url === "/v1/completions") {
        const text =
          answer(body.prompt) ??
          (body.stop?.includes("</code>") ? `<code>${program}\n` : `\`\`\`python\n${program}\n\`\`\`\n`);
        response.end(JSON.stringify({ choices: [{ index: 0, text, finish_reason: "stop" }], usage }));
        return;
      }
      const last = body.messages.at(-1)!;
      if (body.tools) {
        const message =
          last.role === "tool"
            ? { role: "assistant", content: `So the result is \\boxed{${last.content!.trim()}}.` }
            : {
                role: "assistant",
                content: null,
                tool_calls: [
                  {
                    id: "call_1",
                    type: "function",
                    function: { name: "python", arguments: JSON.stringify({ code: program }) },
                  },
                ],
              };
        response.end(JSON.stringify({ choices: [{ index: 0, message, finish_reason: "stop" }], usage }));
        return;
      }
      const context = last.role === "assistant" ? last.content! : "";
      const content = answer(context) ?? `\`\`\`python\n${program}\n\`\`\`\n`;
      response.end(
        JSON.stringify({
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage,
        }),
      );
    });
  });
  return { server, bodies };
}
