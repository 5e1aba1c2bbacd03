/**
 * The shared client against scripted servers (fault injection: stalls, 404s, per-choice token ids).
 * Each server is a real HTTP server whose handler is the test's script.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { choicesToSamples } from "./choices.js";
import { OpenAIClient } from "./client.js";
import { SampleError } from "./retry.js";

type Script = (request: IncomingMessage, response: ServerResponse, body: Record<string, unknown>) => void;
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

async function scripted(
  script: Script,
  path = "/v1",
): Promise<{ url: string; closed: () => number; arrived: () => number }> {
  let closed = 0;
  let arrived = 0;
  const server = createServer((request, response) => {
    arrived++;
    let raw = "";
    request.on("data", (chunk) => {
      raw += chunk;
    });
    request.on("end", () => script(request, response, raw ? JSON.parse(raw) : {}));
    response.on("close", () => {
      if (!response.writableFinished) closed++;
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    closed: () => closed,
    arrived: () => arrived,
  };
}

const messages = [{ role: "user", content: "2+2?" }];
const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe("OpenAIClient", () => {
  it("times out a server that sends headers and then stalls (the SDK's own timeout stops at headers)", async () => {
    const server = await scripted((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"choices": [');
    });
    const client = new OpenAIClient({
      baseUrls: [server.url],
      timeoutMs: 300,
      maxRetries: 1,
      backoff: { baseMs: 1 },
    });
    const started = Date.now();
    const error = await client.chat(messages, { model: "m" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SampleError);
    expect((error as SampleError).kind).toBe("timeout");
    expect((error as SampleError).message).toMatch(
      /timed out: no complete answer within 0.3 s after 2 attempts/,
    );
    expect(server.arrived()).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("times out a stream that stalls mid-way and does not retry once tokens arrived", async () => {
    let requests = 0;
    const server = await scripted((_request, response) => {
      requests++;
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(chunk("The answer"));
    });
    const client = new OpenAIClient({ baseUrls: [server.url], timeoutMs: 200, maxRetries: 3 });
    const error = await client.streamChat(messages, { model: "m" }).catch((caught: unknown) => caught);
    expect((error as SampleError).kind).toBe("timeout");
    expect(requests).toBe(1);
  });

  it("the caller's AbortSignal closes the connection and returns the partial stream as cancelled", async () => {
    const server = await scripted((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(chunk("partial"));
    });
    const client = new OpenAIClient({ baseUrls: [server.url] });
    const abort = new AbortController();
    const streamed = await client.streamChat(
      messages,
      { model: "m" },
      {
        signal: abort.signal,
        onToken: () => {
          setTimeout(() => abort.abort(), 20);
          return true;
        },
      },
    );
    expect(streamed).toMatchObject({ text: "partial", finishReason: "cancelled" });
    for (let waited = 0; server.closed() === 0 && waited < 3000; waited += 20)
      await new Promise((done) => setTimeout(done, 20));
    expect(server.closed()).toBe(1);
  });

  it("a 404 is fatal, not retried, and hints at /v1 when the base URL lacks it", async () => {
    let requests = 0;
    const server = await scripted((_request, response) => {
      requests++;
      response.writeHead(404, { "content-type": "application/json" });
      response.end('{"detail": "Not Found"}');
    }, "");
    const client = new OpenAIClient({ baseUrls: [server.url], maxRetries: 3 });
    const error = (await client
      .complete("x", { model: "m" })
      .catch((caught: unknown) => caught)) as SampleError;
    expect(error.fatal).toBe(true);
    expect(error.status).toBe(404);
    expect(error.message).toMatch(
      /serve under \/v1: is --base-url missing it \(e\.g\. http:\/\/127\.0\.0\.1:\d+\/v1\)/,
    );
    expect(requests).toBe(1);
    await expect(client.models()).rejects.toThrow(/HTTP 404.*\/v1/);
  });

  it("reads per-choice token ids (vLLM return_token_ids) as exact counts; shared usage is marked estimated", async () => {
    const bodies: Record<string, unknown>[] = [];
    const server = await scripted((_request, response, body) => {
      bodies.push(body);
      const ids = body.return_token_ids === true;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          choices: [
            { index: 1, text: "bb", finish_reason: "length", ...(ids && { token_ids: [5, 6, 7, 8] }) },
            { index: 0, text: "a", finish_reason: "stop", ...(ids && { token_ids: [4] }) },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 5 },
        }),
      );
    });
    const client = new OpenAIClient({ baseUrls: [server.url] });
    const exact = await client.complete("x", { model: "m", n: 2, returnTokenIds: true });
    expect(bodies[0]).toMatchObject({ model: "m", n: 2, return_token_ids: true, prompt: "x" });
    expect(choicesToSamples(exact, "gsm8k/1", 0, 2).map((sample) => sample.usage)).toEqual([
      { promptTokens: 3, completionTokens: 1 },
      { promptTokens: 3, completionTokens: 4 },
    ]);
    const shared = await client.complete("x", { model: "m", n: 2 });
    expect(choicesToSamples(shared, "gsm8k/1", 0, 2).map((sample) => sample.usage)).toEqual([
      { promptTokens: 3, completionTokens: 2, estimated: true },
      { promptTokens: 3, completionTokens: 3, estimated: true },
    ]);
  });

  it("rejects unknown option and request keys, listing the known ones", async () => {
    expect(() => new OpenAIClient({ baseUrls: ["http://x/v1"], timeout: 5 } as never)).toThrow(
      /unknown option timeout \(known: baseUrls, apiKey, .*timeoutMs/,
    );
    const client = new OpenAIClient({ baseUrls: ["http://127.0.0.1:9/v1"] });
    await expect(client.chat(messages, { model: "m", max_tokens: 3 } as never)).rejects.toThrow(
      /unknown option max_tokens \(known: model, n, .*maxTokens/,
    );
  });
});
