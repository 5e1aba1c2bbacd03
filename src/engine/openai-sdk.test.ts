/**
 * The official `openai` Node SDK against the real engine (tiny preset) with vLLM's extra parameters
 * (vllm/entrypoints/openai/protocol.py): the engine's token is the SDK's apiKey, extras ride in the body,
 * and `echo` + `max_tokens: 0` + `logprobs` scores the prompt exactly as `/logprobs` does.
 */
import { basename } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEngine, startEngine } from "./process.js";
import { tinyModel } from "./test-helpers/tiny-model.js";

describe("the OpenAI Node SDK against the engine", () => {
  let engine: RunningEngine;
  let sdk: OpenAI;
  let model: string;

  beforeAll(async () => {
    const directory = await tinyModel(0);
    model = basename(directory);
    engine = await startEngine({ model: directory, seed: 0, threads: 1 });
    sdk = new OpenAI({ baseURL: `${engine.url}/v1`, apiKey: engine.token, maxRetries: 0 });
  }, 300_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it("lists the served model; another name is a 404 and a wrong key a 401", async () => {
    expect((await sdk.models.list()).data.map((card) => card.id)).toEqual([model]);
    await expect(
      sdk.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 2,
      }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const wrong = new OpenAI({
      baseURL: `${engine.url}/v1`,
      apiKey: "wrong-token-0123456789",
      maxRetries: 0,
    });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("accepts unknown fields and the vLLM extras on chat", async () => {
    const body = {
      model,
      messages: [{ role: "user" as const, content: "What is 2 + 3?", name: "ada" }],
      max_tokens: 6,
      n: 2,
      seed: 3,
      presence_penalty: 0,
      response_format: { type: "text" as const },
      logprobs: true,
      top_logprobs: 2,
      min_tokens: 6,
      ignore_eos: true,
      top_k: 20,
      min_p: 0.01,
      repetition_penalty: 1.1,
      return_tokens_as_token_ids: true,
      some_future_field: { anything: true },
    };
    const result = await sdk.chat.completions.create(body);
    expect(result.choices).toHaveLength(2);
    for (const choice of result.choices) {
      expect(choice.finish_reason).toBe("length");
      expect(choice.logprobs?.content).toHaveLength(6);
      expect(choice.logprobs?.content?.[0].token).toMatch(/^token_id:\d+$/);
    }
    expect(result.usage?.total_tokens).toBe((result.usage?.prompt_tokens ?? 0) + 12);
  });

  it("echo + max_tokens 0 + logprobs returns the prompt's log-probs, equal to /logprobs", async () => {
    const prompt = "Compute 12 + 7.";
    const result = await sdk.completions.create({
      model,
      prompt,
      max_tokens: 0,
      echo: true,
      logprobs: 0,
      return_tokens_as_token_ids: true,
    } as OpenAI.CompletionCreateParamsNonStreaming);
    const choice = result.choices[0];
    expect(choice.text).toBe(prompt);
    const ids = (choice.logprobs?.tokens ?? []).map((token) => Number(token.replace("token_id:", "")));
    const values = choice.logprobs?.token_logprobs ?? [];
    expect(values[0]).toBeNull();
    const scored = await engine.client.logprobs({
      data: [{ tokens: ids.slice(0, -1), target_tokens: ids.slice(1) }],
    });
    const differences = scored.logprobs[0].map((value, index) => Math.abs(value - (values[index + 1] ?? 0)));
    expect(Math.max(...differences)).toBeLessThan(1e-5);
  });
});
