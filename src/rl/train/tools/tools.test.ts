import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineClient } from "../../../engine/client.js";
import { type RunningEngine, startEngine } from "../../../engine/process.js";
import { PACKAGE_ROOT } from "../../../engine/python.js";
import type { BackwardRequest } from "../../../engine/schemas.js";
import type { TextToolFormat } from "../../../tools/formats/types.js";
import { LocalSandbox } from "../../../tools/index.js";
import type { TrainingSequence } from "../batch.js";
import { loadModelText, type ModelText } from "../codec.js";
import { parseTrainConfig } from "../config.js";
import { lossOptions } from "../step.js";
import { updatePolicy } from "../update.js";
import { sampleToolGroups } from "./engine-rollout.js";
import { cutAtStop } from "./stop-cut.js";

/** Tool rollouts against a real engine and sandbox: token alignment, and the mask in the update. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const config = parseTrainConfig({ out: "unused", tools: { name: "python", maxCalls: 2 } });

/**
 * A format that fires on the demo model's own output (it answers sums with digits): a turn stops at
 * its first digit, the "code" prints how long the transcript's turn was, and the output is appended.
 */
const digitTool: TextToolFormat = {
  kind: "text",
  name: "digit-test",
  description: "stops at a digit",
  stop: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  pendingCode: (text) => `print(${text.length} * 7)`,
  renderOutput: (output) => `<out>${output}</out>`,
  instructions: "",
};

describe("training with tools (real engine, real sandbox)", () => {
  let engine: RunningEngine;
  let sandbox: LocalSandbox;
  let text: ModelText;
  beforeAll(async () => {
    [engine, sandbox, text] = await Promise.all([
      startEngine({ model: MODEL, seed: 0, threads: 1 }),
      LocalSandbox.start({ workers: 1 }),
      loadModelText(MODEL, "raw"),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([engine?.stop(), sandbox?.close()]);
  });

  it("cuts a turn at the shortest token prefix that spells a stop string", () => {
    const tokens = text.codec.encode("ab 12 cd");
    const cut = cutAtStop(text.codec, tokens, ["2 c", "1"])!;
    expect(cut.text.slice(cut.stopAt)).toMatch(/^1/);
    expect(text.codec.decode(tokens.slice(0, cut.length - 1))).not.toContain("1");
    expect(cutAtStop(text.codec, tokens, ["zz"])).toBeUndefined();
  });

  it("keeps exact token alignment: the trainer scores every sampled token as the sampler did", async () => {
    const problems = ["12+34=", "5+7="].map((question, index) => ({
      id: `p${index}`,
      benchmark: "test",
      question,
      answer: "0",
    }));
    const promptTokens = problems.map((problem) => text.encodePrompt(problem));
    const { groups, toolSeconds } = await sampleToolGroups({
      client: engine.client,
      codec: text.codec,
      problems,
      promptTokens,
      groupSize: 3,
      sampling: { maxTokens: 24, temperature: 1, topP: 1, topK: 0, seed: 5 },
      grade: async (items) => items.map(() => false),
      rewarder: (facts) => facts.map(() => ({ terms: {}, total: 0 })),
      tools: { sandbox, format: digitTool, config: { ...config.tools!, maxCalls: 2 } },
    });
    const samples = groups.flatMap((group) => group.samples.map((sample) => ({ group, sample })));
    const calls = samples.reduce((sum, { sample }) => sum + sample.tools!.calls, 0);
    expect(calls).toBeGreaterThan(0);
    expect(toolSeconds).toBeGreaterThan(0);
    for (const { sample } of samples) {
      const mask = sample.sampledMask!;
      expect(mask).toHaveLength(sample.tokens.length);
      expect(sample.logprobs).toHaveLength(sample.tokens.length);
      expect(mask.filter((bit) => bit === 1).length).toBeLessThanOrEqual(24);
      if (sample.tools!.calls > 0) {
        expect(mask).toContain(0);
        expect(sample.text).toMatch(/<out>\d+\n?<\/out>/);
      }
    }
    const data = samples.map(({ group, sample }) => {
      const full = [...group.promptTokens, ...sample.tokens];
      return { tokens: full.slice(0, -1), target_tokens: full.slice(1) };
    });
    const scored = await engine.client.logprobs({ data, temperature: 1 });
    let worst = 0;
    samples.forEach(({ group, sample }, row) => {
      sample.tokens.forEach((_, token) => {
        if (sample.sampledMask![token] === 0) return;
        const at = group.promptTokens.length - 1 + token;
        worst = Math.max(worst, Math.abs(scored.logprobs[row][at] - sample.logprobs[token]));
      });
    });
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);

  it("gives tool tokens zero loss weight and leaves them out of the sampler–trainer KL", async () => {
    const prompt = text.encodePrompt({ id: "q", benchmark: "test", question: "12+34=", answer: "46" });
    const sampled = text.codec.encode("46 ok");
    const tool = text.codec.encode("<out>42</out>");
    const response = [...sampled.slice(0, 1), ...tool, ...sampled.slice(1)];
    const mask = [1, ...tool.map(() => 0), ...sampled.slice(1).map(() => 1)];
    const full = [...prompt, ...response];
    const datum = { tokens: full.slice(0, -1), target_tokens: full.slice(1) };
    const truth = (await engine.client.logprobs({ data: [datum], temperature: 1 })).logprobs[0];
    const responseStart = prompt.length - 1;
    // The sampler log-probs are the model's own at sampled tokens; at tool tokens a value far from
    // the model's, which would dominate the KL if tool tokens were counted.
    const samplerLogprobs = response.map((_, token) =>
      mask[token] === 1 ? truth[responseStart + token] : 0,
    );
    const sequences: TrainingSequence[] = [1, -1].map((advantage) => ({
      datum,
      responseStart,
      samplerLogprobs,
      sampledMask: mask,
      advantage,
      lossMask: 1,
      truncated: false,
    }));
    const backwards: BackwardRequest[] = [];
    const client = Object.create(engine.client) as EngineClient;
    client.backward = (request) => {
      backwards.push(request);
      return engine.client.backward(request);
    };
    const metrics = await updatePolicy({
      client,
      sequences,
      loss: { ...lossOptions(config), aggregation: "seq_mean_token_sum" },
      entropyCoef: 0,
      temperature: 1,
      ppoEpochs: 1,
      miniBatches: 1,
      learningRate: 1e-9,
      adam: { beta1: 0.9, beta2: 0.95, weightDecay: 0 },
      gradClip: 1,
      useReference: false,
    });
    expect(Math.abs(metrics.samplerTrainerKl)).toBeLessThan(1e-5);
    const toolKl = -tool.reduce((sum, _, index) => sum + truth[responseStart + 1 + index], 0);
    expect(toolKl / response.length).toBeGreaterThan(0.1); // what counting them would have added
    const weights = backwards[0].weights[0];
    response.forEach((_, token) => {
      const weight = weights[responseStart + token];
      if (mask[token] === 0) expect(weight).toBe(0);
      else expect(Math.abs(weight)).toBeGreaterThan(0);
    });
    expect(weights.slice(0, responseStart).every((weight) => weight === 0)).toBe(true);
  }, 120_000);
});
