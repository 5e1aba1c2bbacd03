import { afterEach, describe, expect, it } from "vitest";
import type { RenderedPrompt } from "../data/prompts.js";
import { OpenAISampler } from "./openai-sampler.js";
import { backoffDelay } from "./retry.js";
import { Semaphore } from "./semaphore.js";
import { type FakeServer, startFakeServer } from "./test-helpers/fake-openai-server.js";
import type { Sample } from "./types.js";

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function server(options: Parameters<typeof startFakeServer>[0]) {
  const started = await startFakeServer(options);
  servers.push(started);
  return started;
}

const chat: RenderedPrompt = { kind: "chat", messages: [{ role: "user", content: "What is 2+2?" }] };
const fastBackoff = { baseMs: 1, maxMs: 5 };

describe("OpenAISampler", () => {
  it("returns n samples numbered from firstIndex, with usage, calling onSample for each", async () => {
    const fake = await server({});
    const sampler = new OpenAISampler({
      baseUrls: [fake.url],
      model: "fake",
      params: { seed: 3, maxTokens: 20 },
    });
    const seen: Sample[] = [];
    const samples = await sampler.sample({ problemId: "p", prompt: chat, n: 4, firstIndex: 2 }, (sample) =>
      seen.push(sample),
    );
    expect(samples.map((sample) => sample.index)).toEqual([2, 3, 4, 5]);
    expect(seen).toEqual(samples);
    expect(samples[0]).toMatchObject({
      problemId: "p",
      finishReason: "stop",
      usage: { promptTokens: 10, completionTokens: 15 },
    });
    expect(samples[0].text).toMatch(/\\boxed\{\d\}/);
    expect(fake.log).toEqual([expect.objectContaining({ n: 4, outcome: "ok" })]);
    expect(fake.log[0].key.endsWith("|5")).toBe(true); // seed + firstIndex
  });

  it("sends sampling parameters in OpenAI names and passes server-specific fields through", async () => {
    const fake = await server({ recordBodies: true });
    const params = {
      temperature: 0.6,
      topP: 0.95,
      maxTokens: 64,
      seed: 7,
      stop: ["</s>"],
      logprobs: true,
      topLogprobs: 2,
      extraBody: { top_k: 20, min_p: 0 },
    };
    const sampler = new OpenAISampler({ baseUrls: [fake.url], model: "fake", params });
    await sampler.sample({ problemId: "p", prompt: chat, n: 2, firstIndex: 4 });
    await sampler.sample({
      problemId: "p",
      prompt: { kind: "completion", prompt: "2+2=" },
      n: 1,
      firstIndex: 0,
    });
    expect(fake.log[0].body).toEqual({
      model: "fake",
      n: 2,
      temperature: 0.6,
      top_p: 0.95,
      max_tokens: 64,
      seed: 11,
      stop: ["</s>"],
      top_k: 20,
      min_p: 0,
      logprobs: true,
      top_logprobs: 2,
      messages: chat.kind === "chat" ? chat.messages : [],
    });
    expect(fake.log[1].body).toMatchObject({ prompt: "2+2=", logprobs: 2, seed: 7 });
  });

  it("recovers from 429s, 500s, dropped connections and malformed JSON by retrying", async () => {
    const fake = await server({
      faults: { rateLimited: 0.15, serverError: 0.15, dropped: 0.1, malformed: 0.1 },
      seed: 5,
    });
    const retries: string[] = [];
    const sampler = new OpenAISampler({
      baseUrls: [fake.url],
      model: "fake",
      maxRetries: 20,
      backoff: fastBackoff,
      onRetry: (message) => retries.push(message),
    });
    const prompt = (index: number): RenderedPrompt => ({ kind: "completion", prompt: `question ${index}` });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        sampler.sample({ problemId: `p${index}`, prompt: prompt(index), n: 1, firstIndex: 0 }),
      ),
    );
    expect(results.every((samples) => samples.length === 1)).toBe(true);
    const outcomes = new Set(fake.log.map((entry) => entry.outcome));
    for (const outcome of ["429", "500", "dropped", "malformed", "ok"] as const)
      expect(outcomes.has(outcome), outcome).toBe(true);
    expect(retries.length).toBe(fake.log.length - 40);
    expect(retries.some((message) => message.includes("malformed JSON"))).toBe(true);
  });

  it("falls back to parallel single requests when the server rejects n", async () => {
    const fake = await server({ rejectN: true });
    const sampler = new OpenAISampler({ baseUrls: [fake.url], model: "fake", params: { seed: 0 } });
    const samples = await sampler.sample({ problemId: "p", prompt: chat, n: 3, firstIndex: 0 });
    expect(samples.map((sample) => sample.index)).toEqual([0, 1, 2]);
    await sampler.sample({ problemId: "q", prompt: chat, n: 2, firstIndex: 0 });
    expect(fake.log.map((entry) => `${entry.n}:${entry.outcome}`)).toEqual([
      "3:400",
      "1:ok",
      "1:ok",
      "1:ok",
      "1:ok",
      "1:ok",
    ]);
  });

  it("spreads requests round-robin over base URLs", async () => {
    const [first, second] = [await server({}), await server({})];
    const sampler = new OpenAISampler({ baseUrls: [first.url, second.url], model: "fake" });
    for (let index = 0; index < 6; index++)
      await sampler.sample({ problemId: "p", prompt: chat, n: 1, firstIndex: index });
    expect([first.log.length, second.log.length]).toEqual([3, 3]);
  });

  it("times a slow request out and retries it; gives up with the cause after maxRetries", async () => {
    const slow = await server({ faults: { slow: 1 }, slowMs: 2000 });
    const sampler = new OpenAISampler({
      baseUrls: [slow.url],
      model: "fake",
      requestTimeoutMs: 100,
      maxRetries: 1,
      backoff: fastBackoff,
    });
    await expect(sampler.sample({ problemId: "p", prompt: chat, n: 1, firstIndex: 0 })).rejects.toThrow(
      /timed out.* after 2 attempts/i,
    );
  });

  it("fails fast with clear messages for a wrong key and an unreachable server", async () => {
    const keyed = await server({ apiKey: "right" });
    const wrong = new OpenAISampler({ baseUrls: [keyed.url], model: "fake", apiKey: "wrong" });
    await expect(wrong.preflight()).rejects.toThrow(/rejected the API key/);
    await expect(wrong.sample({ problemId: "p", prompt: chat, n: 1, firstIndex: 0 })).rejects.toMatchObject({
      fatal: true,
      status: 401,
    });
    const nowhere = new OpenAISampler({ baseUrls: ["http://127.0.0.1:9/v1"], model: "fake" });
    const started = Date.now();
    await expect(nowhere.preflight()).rejects.toThrow(/cannot reach server http:\/\/127\.0\.0\.1:9\/v1/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("retry pieces", () => {
  it("backoff grows exponentially under full jitter and honours Retry-After", () => {
    expect(backoffDelay(0, { random: () => 0.999, baseMs: 100 })).toBeCloseTo(99.9);
    expect(backoffDelay(3, { random: () => 0.5, baseMs: 100 })).toBe(400);
    expect(backoffDelay(30, { random: () => 1, baseMs: 100, maxMs: 1000 })).toBe(1000);
    expect(backoffDelay(0, {}, 2)).toBe(2000);
  });

  it("semaphore bounds concurrency", async () => {
    const semaphore = new Semaphore(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        semaphore.run(async () => {
          peak = Math.max(peak, ++active);
          await new Promise((resolve) => setTimeout(resolve, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});
