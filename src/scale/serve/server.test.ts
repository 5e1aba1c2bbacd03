import { afterEach, describe, expect, it } from "vitest";
import { type BoxedProxy, createProxy } from "./server.js";
import { type FakeUpstream, startFakeUpstream } from "./test-helpers/fake-upstream.js";

let upstream: FakeUpstream | undefined;
let proxy: BoxedProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = undefined;
  upstream = undefined;
});

async function start(
  options: Parameters<typeof startFakeUpstream>[0] = {},
  apiKey?: string,
): Promise<string> {
  upstream = await startFakeUpstream(options);
  proxy = createProxy({ upstream: upstream.url, apiKey, maxConcurrentPerClient: 4 });
  const { port } = await proxy.listen(0);
  return `http://127.0.0.1:${port}`;
}

const chat = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

// biome-ignore lint/suspicious/noExplicitAny: JSON replies are read field by field in assertions.
const json = (response: Response): Promise<any> => response.json();

const messages = [{ role: "user", content: "What is 6*7?" }];
const answers = ["\\boxed{42}", "\\boxed{41}", "\\boxed{42.0}", "\\boxed{42}", "\\boxed{7}"];

describe("boxed serve", () => {
  it("passes a request without a strategy through unchanged", async () => {
    const base = await start();
    const response = await chat(base, { model: "fake", messages });
    const body = await json(response);
    expect(body.choices[0].message.content).toBe("The answer is \\boxed{42}.");
    expect(upstream?.bodies[0]).toEqual({ model: "fake", messages });
    expect((await json(await fetch(`${base}/v1/models`))).data[0].id).toBe("fake");
  });

  it("pipes a streamed passthrough response as it comes", async () => {
    const base = await start({ respond: () => "one two three" });
    const response = await chat(base, { model: "fake", messages, stream: true });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text.match(/"content":"[^"]*"/g)).toEqual([
      '"content":"one "',
      '"content":"two "',
      '"content":"three"',
    ]);
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
  });

  it("runs maj@5 from the model name: equivalent answers vote together, usage summed", async () => {
    const base = await start({ respond: (index) => `Work... ${answers[index]}` });
    const body = await json(await chat(base, { model: "maj@5:fake", messages, seed: 7 }));
    expect(body.boxed.answer).toBe("42");
    expect(body.boxed.votes).toEqual([
      { answer: "42", weight: 3 },
      { answer: "41", weight: 1 },
      { answer: "7", weight: 1 },
    ]);
    expect(body.boxed.samples).toBe(5);
    expect(body.usage.completion_tokens).toBe(10);
    expect(upstream?.bodies.map((sent) => [sent.model, sent.seed])).toEqual(
      [0, 1, 2, 3, 4].map((i) => ["fake", 7 + i]),
    );
  });

  it("stops early and cancels in-flight requests, which stop consuming upstream tokens", async () => {
    const long = `${"step ".repeat(200)}\\boxed{9}`;
    const base = await start({ respond: (index) => (index < 2 ? "\\boxed{9}" : long), tokenDelayMs: 5 });
    const body = await json(
      await chat(base, { model: "fake", messages, boxed: { strategy: "early@8,margin=2", parallel: 4 } }),
    );
    expect(body.boxed.stop_reason).toBe("margin-reached");
    expect(body.boxed.samples).toBe(2);
    // Parallel 4: when the second sample finishes, the other in-flight ones (2 or 3) are cancelled.
    expect(body.boxed.cancelled).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = upstream?.stats.tokensSent ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream?.stats.tokensSent).toBe(sent); // nothing more is generated after the abort
    // A request aborted before it reached the upstream is cancelled without being seen there.
    expect(upstream?.stats.aborted).toBeGreaterThanOrEqual(2);
    expect(upstream?.stats.aborted).toBeLessThanOrEqual(body.boxed.cancelled);
    expect(upstream?.stats.completed).toBe(2);
    expect(sent).toBeLessThan(2 + 3 * 201);
  });

  it("best-of-N by a verifier LLM: the judge's P(Yes) becomes the reward", async () => {
    const base = await start({
      respond: (index, body) => {
        const prompt = JSON.stringify(body.messages);
        if (prompt.includes("Is the solution's final answer correct?"))
          return prompt.includes("boxed{42}") ? "Yes" : "No";
        return ["\\boxed{41}", "\\boxed{42}", "\\boxed{41}"][index] ?? "";
      },
    });
    const body = await json(
      await chat(base, { model: "fake", messages, boxed: { strategy: "best@3,score=reward", verifier: {} } }),
    );
    expect(body.boxed.answer).toBe("42");
    expect(upstream?.bodies.filter((sent) => sent.max_tokens === 1)).toHaveLength(3);
  });

  it("streams the final response as chat.completion.chunk events", async () => {
    const base = await start({ respond: () => "\\boxed{3}" });
    const response = await chat(base, {
      model: "maj@3:fake",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await response.text()).split("\n\n").filter((line) => line.startsWith("data: "));
    expect(events.at(-1)).toBe("data: [DONE]");
    const first = JSON.parse(events[0]?.slice(6) ?? "{}");
    expect(first.choices[0].delta.content).toBe("\\boxed{3}");
    expect(JSON.parse(events[2]?.slice(6) ?? "{}").usage.completion_tokens).toBe(3);
  });

  it("answers bad input with OpenAI-style errors and keeps serving", async () => {
    const base = await start();
    const unknown = await chat(base, { model: "nope@8:fake", messages });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.message).toMatch(/unknown strategy "nope" \(known: pass, maj/);
    const malformed = await chat(base, "{not json");
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error).toMatchObject({
      type: "invalid_request_error",
      message: "request body is not valid JSON",
    });
    const noModel = await chat(base, { messages });
    expect((await json(noModel)).error.param).toBe("model");
    const ok = await chat(base, { model: "fake", messages });
    expect(ok.status).toBe(200);
  });

  it("reports an upstream that is down or answers garbage as a 502 error", async () => {
    const base = await start({ garbage: "<html>oops" });
    const garbage = await chat(base, { model: "fake", messages });
    expect(garbage.status).toBe(502);
    expect((await json(garbage)).error.message).toMatch(/not JSON/);
    const strategyGarbage = await chat(base, { model: "maj@2:fake", messages });
    expect(strategyGarbage.status).toBe(502);
    await upstream?.close();
    const down = await chat(base, { model: "fake", messages });
    expect(down.status).toBe(502);
    expect((await json(down)).error.type).toBe("upstream_error");
    const downStrategy = await chat(base, { model: "maj@2:fake", messages });
    expect((await json(downStrategy)).error.message).toMatch(/upstream unreachable/);
  });

  it("refuses a body over the size limit with 413", async () => {
    upstream = await startFakeUpstream();
    proxy = createProxy({ upstream: upstream.url, maxBodyBytes: 100 });
    const base = `http://127.0.0.1:${(await proxy.listen(0)).port}`;
    const response = await chat(base, {
      model: "fake",
      messages: [{ role: "user", content: "x".repeat(200) }],
    });
    expect(response.status).toBe(413);
    expect((await json(response)).error.message).toMatch(/larger than 100 bytes/);
  });

  it("requires the API key when one is set", async () => {
    const base = await start({}, "secret");
    expect((await chat(base, { model: "fake", messages })).status).toBe(401);
    expect((await chat(base, { model: "fake", messages }, { authorization: "Bearer secret" })).status).toBe(
      200,
    );
  });

  it("limits concurrent requests per client", async () => {
    const base = await start({ latencyMs: 150 });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () => chat(base, { model: "fake", messages }).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
  });
});
