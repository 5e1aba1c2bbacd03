/**
 * `boxed serve` against upstreams that stall (fault injection: scripted servers that never answer,
 * or send headers and stop), clients that go away, ties that arrival order must not decide, and
 * model names that are almost strategies.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type BoxedProxy, createProxy, type ProxyOptions } from "./server.js";
import { type FakeUpstream, startFakeUpstream } from "./test-helpers/fake-upstream.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function proxyTo(upstream: string, options: Partial<ProxyOptions> = {}): Promise<string> {
  const proxy: BoxedProxy = createProxy({ upstream, ...options });
  cleanup.push(() => proxy.close());
  return `http://127.0.0.1:${(await proxy.listen(0)).port}`;
}

/** An upstream that reads the request and then does `stall` (never answering, or headers only). */
async function stalledUpstream(
  stall: "silent" | "headers-only",
): Promise<{ url: string; closed: () => number }> {
  let closed = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (stall === "headers-only") {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"choices": [');
      }
    });
    response.on("close", () => {
      closed++;
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, closed: () => closed };
}

const messages = [{ role: "user", content: "What is 2+2?" }];
// biome-ignore lint/suspicious/noExplicitAny: JSON replies are read field by field in assertions.
const json = (response: Response): Promise<any> => response.json();
const post = (base: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal && { signal }),
  });

describe("boxed serve: upstream timeouts", () => {
  for (const stall of ["silent", "headers-only"] as const) {
    it(`answers 504 with a clear message when the upstream stalls (${stall}), passthrough and strategy`, async () => {
      const upstream = await stalledUpstream(stall);
      const base = await proxyTo(upstream.url, { upstreamTimeoutMs: 300, upstreamStreaming: false });
      for (const model of ["m", "maj@2:m"]) {
        const started = Date.now();
        const response = await post(base, { model, messages });
        expect(response.status, model).toBe(504);
        const { error } = await json(response);
        expect(error.code).toBe("upstream_timeout");
        expect(error.message).toMatch(/timed out/);
        expect(Date.now() - started).toBeLessThan(5000);
      }
      // The stalled upstream requests were closed, not left hanging.
      for (let waited = 0; upstream.closed() < 3 && waited < 3000; waited += 20)
        await new Promise((done) => setTimeout(done, 20));
      expect(upstream.closed()).toBe(3);
    });
  }

  it("a first-byte limit ends a silent upstream before the whole-exchange limit", async () => {
    const upstream = await stalledUpstream("silent");
    const base = await proxyTo(upstream.url, { upstreamTimeoutMs: 60_000, upstreamFirstByteTimeoutMs: 200 });
    const started = Date.now();
    const response = await post(base, { model: "m", messages });
    expect(response.status).toBe(504);
    expect((await json(response)).error.message).toMatch(/no response headers within 0.2 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a client that goes away cancels the upstream request (passthrough stream)", async () => {
    const upstream: FakeUpstream = await startFakeUpstream({
      respond: () => "word ".repeat(200),
      tokenDelayMs: 20,
    });
    cleanup.push(() => upstream.close());
    const base = await proxyTo(upstream.url);
    const abort = new AbortController();
    const response = await post(base, { model: "m", messages, stream: true }, abort.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    abort.abort();
    for (let waited = 0; upstream.stats.aborted === 0 && waited < 3000; waited += 20)
      await new Promise((done) => setTimeout(done, 20));
    expect(upstream.stats.aborted).toBe(1);
    expect(upstream.stats.tokensSent).toBeLessThan(100);
  });
});

describe("boxed serve: reproducible ties and near-miss strategy names", () => {
  it("breaks a 2–2 tie by sample index, whatever order the samples finish in", async () => {
    // Samples 0 and 1 answer 4 with long texts (finish last); 2 and 3 answer 2 quickly.
    const upstream = await startFakeUpstream({
      respond: (_arrival, body) =>
        Number(body.seed) - 100 < 2 ? `${"think ".repeat(12)}\\boxed{4}` : "\\boxed{2}",
      tokenDelayMs: 5,
    });
    cleanup.push(() => upstream.close());
    const base = await proxyTo(upstream.url);
    const answers: string[] = [];
    for (let call = 0; call < 4; call++) {
      const body = await json(await post(base, { model: "maj@4:m", messages, seed: 100 }));
      answers.push(body.boxed.answer ?? body.choices[0].message.content);
    }
    expect(answers.every((answer) => answer.includes("4"))).toBe(true);
  });

  it("rejects model names that look like a strategy but do not parse, listing the known strategies", async () => {
    const upstream = await startFakeUpstream();
    cleanup.push(() => upstream.close());
    const base = await proxyTo(upstream.url);
    for (const model of ["maj@-1:m", "MAJ@4:m", "maj8:m", "maj@4: m", "esc@8,window:m"]) {
      const response = await post(base, { model, messages });
      expect(response.status, model).toBe(400);
      const { error } = await json(response);
      expect(error.message, model).toMatch(/looks like a strategy prefix but does not parse/);
      expect(error.message, model).toMatch(/known strategies: pass, maj, vote/);
    }
    expect(upstream.stats.requests).toBe(0);
    // Names with a colon that are not strategies still pass through (e.g. Ollama's model:tag).
    expect((await post(base, { model: "llama3:8b", messages })).status).toBe(200);
    expect((await post(base, { model: "acme-7b:latest", messages })).status).toBe(200);
  });
});
