/** The proxy's answer to a strategy request: a normal ChatCompletion (or its SSE stream) plus a `boxed` field. */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { RunResult } from "../online/run.js";

export function chatCompletion(
  model: string,
  strategyName: string,
  result: RunResult,
): Record<string, unknown> {
  const selected = result.selected;
  const completion = selected ? result.completions.find((item) => item.text === selected.text) : undefined;
  return {
    id: `chatcmpl-boxed-${randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: selected?.text ?? result.completions[0]?.text ?? "" },
        finish_reason: completion?.finishReason === "length" ? "length" : "stop",
      },
    ],
    usage: {
      prompt_tokens: result.usage.promptTokens,
      completion_tokens: result.usage.completionTokens,
      total_tokens: result.usage.promptTokens + result.usage.completionTokens,
    },
    boxed: {
      strategy: strategyName,
      answer: selected?.answer ?? null,
      votes: result.votes,
      samples: result.samplesUsed,
      cancelled: result.cancelled,
      stop_reason: result.stopReason,
    },
  };
}

/** Streams a finished completion as chat.completion.chunk events (role+content, finish, usage), then [DONE]. */
export function sendCompletionStream(
  response: ServerResponse,
  completion: Record<string, unknown>,
  includeUsage: boolean,
): void {
  const { id, created, model, choices, usage, boxed } = completion as {
    id: string;
    created: number;
    model: string;
    choices: { message: { content: string }; finish_reason: string }[];
    usage: unknown;
    boxed: unknown;
  };
  const base = { id, object: "chat.completion.chunk", created, model };
  const choice = choices[0];
  const events = [
    {
      ...base,
      choices: [
        {
          index: 0,
          delta: { role: "assistant", content: choice?.message.content ?? "" },
          finish_reason: null,
        },
      ],
    },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? "stop" }], boxed },
    ...(includeUsage ? [{ ...base, choices: [], usage }] : []),
  ];
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.end(`${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("")}data: [DONE]\n\n`);
}
