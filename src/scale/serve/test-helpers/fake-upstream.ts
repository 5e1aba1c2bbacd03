/**
 * A local OpenAI-compatible upstream for tests and the proxy bench: answers `/v1/chat/completions`
 * (streamed token by token with a delay, or as one JSON after a fixed latency) with texts from
 * `respond`, and counts requests, completions and aborted streams (to show cancellation works).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUpstreamOptions {
  /** The response text for the i-th request (0-based). */
  respond?: (index: number, body: Record<string, unknown>) => string;
  /** Delay between streamed tokens, ms. */
  tokenDelayMs?: number;
  /** Delay before a non-streamed answer, ms. */
  latencyMs?: number;
  /** Answer every request with this raw body (status 200) instead. */
  garbage?: string;
  /** Top log-prob for the i-th request's tokens (DeepConf tests); default −0.1. */
  topLogprob?: (index: number) => number;
}

export interface FakeUpstream {
  url: string;
  stats: { requests: number; completed: number; aborted: number; tokensSent: number };
  /** Request bodies in arrival order. */
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const stats = { requests: 0, completed: 0, aborted: 0, tokensSent: 0 };
  const bodies: Record<string, unknown>[] = [];
  const respond = options.respond ?? (() => "The answer is \\boxed{42}.");
  const server: Server = createServer(async (request, response) => {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (options.garbage !== undefined) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(options.garbage);
      return;
    }
    if (request.url === "/v1/models") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ object: "list", data: [{ id: "fake", object: "model" }] }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    const index = stats.requests++;
    bodies.push(body);
    const text = respond(index, body);
    if (body.stream === true) return streamTokens(response, text, index, body, stats, options);
    setTimeout(() => {
      const answer = JSON.stringify({
        id: `fake-${index}`,
        object: "chat.completion",
        created: 0,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      });
      // x-upstream-ms: this server's own time on the request, so a client can subtract it.
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(answer),
        "x-upstream-ms": (performance.now() - arrived).toFixed(3),
      });
      response.end(answer);
      stats.completed++;
    }, options.latencyMs ?? 0);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    bodies,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function streamTokens(
  response: import("node:http").ServerResponse,
  text: string,
  index: number,
  body: Record<string, unknown>,
  stats: FakeUpstream["stats"],
  options: FakeUpstreamOptions,
): void {
  const tokens = text.match(/\S+\s*/g) ?? [];
  const withLogprobs = body.logprobs === true;
  const logprob = options.topLogprob?.(index) ?? -0.1;
  let position = 0;
  let closed = false;
  response.on("close", () => {
    if (position < tokens.length) {
      closed = true;
      stats.aborted++;
    }
  });
  response.writeHead(200, { "content-type": "text/event-stream" });
  const send = (event: unknown) => response.write(`data: ${JSON.stringify(event)}\n\n`);
  const step = () => {
    if (closed) return;
    if (position >= tokens.length) {
      send({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      send({ choices: [], usage: { prompt_tokens: 5, completion_tokens: tokens.length } });
      response.end("data: [DONE]\n\n");
      stats.completed++;
      return;
    }
    const token = tokens[position++] as string;
    stats.tokensSent++;
    const logprobs = withLogprobs
      ? {
          content: [
            {
              token,
              logprob,
              top_logprobs: [
                { token, logprob },
                { token: "x", logprob: logprob - 2 },
              ],
            },
          ],
        }
      : null;
    send({ choices: [{ index: 0, delta: { content: token }, finish_reason: null, logprobs }] });
    setTimeout(step, options.tokenDelayMs ?? 0);
  };
  step();
}
