/**
 * Each strategy end to end through `boxed serve` against the real engine on the tiny preset (random
 * weights: answers are noise, but every request must go through sampling, voting and the response).
 * The proxy streams its samples from the engine (`stream: true`, with top_logprobs for DeepConf);
 * engine-cancel.test.ts shows that the streams it aborts stop costing the engine tokens.
 */
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEngine, startEngine } from "../../engine/process.js";
import { tinyModel } from "../../engine/test-helpers/tiny-model.js";
import { type BoxedProxy, createProxy } from "../serve/server.js";

describe("strategies online against the engine (tiny preset)", () => {
  let engine: RunningEngine;
  let proxy: BoxedProxy;
  let base: string;
  let modelName: string;

  beforeAll(async () => {
    const model = await tinyModel(0);
    modelName = basename(model); // the engine serves its folder's name; any other is a 404, as in vLLM
    engine = await startEngine({ model, seed: 0 });
    proxy = createProxy({ upstream: engine.url, upstreamApiKey: engine.token });
    base = `http://127.0.0.1:${(await proxy.listen(0)).port}/v1`;
  }, 300_000);

  afterAll(async () => {
    await proxy?.close();
    await engine?.stop();
  });

  const strategies = [
    "maj@3",
    "vote@3,weight=logprob",
    "best@3,score=logprob",
    "deepconf@3,keep=0.5",
    "early@4,margin=2",
    "esc@4,window=2",
    "ac@4",
  ];

  it.each(strategies)(
    "%s runs end to end",
    async (strategy) => {
      const response = await fetch(`${base}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: `${strategy}:${modelName}`,
          messages: [{ role: "user", content: "What is 2+3?" }],
          max_tokens: 6,
          seed: 1,
        }),
      });
      const body = (await response.json()) as {
        choices: { message: { content: string } }[];
        usage: { completion_tokens: number };
        boxed: { strategy: string; samples: number; stop_reason: string };
      };
      expect(response.status).toBe(200);
      expect(body.boxed.strategy).toBe(strategy);
      expect(body.boxed.samples).toBeGreaterThanOrEqual(1);
      expect(body.usage.completion_tokens).toBeGreaterThanOrEqual(body.boxed.samples);
      expect(typeof body.choices[0]?.message.content).toBe("string");
    },
    60_000,
  );
});
