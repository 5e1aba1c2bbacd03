/**
 * End to end against the real Python engine on the tiny preset: sample, score, one PPO step with
 * the loss computed in TypeScript (`src/rl`) and sent as coefficients, save/load, sample again,
 * and bad input answered with clear 4xx errors while the engine keeps serving.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeAdvantages, policyLoss } from "../rl/index.js";
import { buildSequences, responsePart, sequenceWeights } from "../rl/train/batch.js";
import type { SampledGroup } from "../rl/train/types.js";
import { loadTokenizer, type Tokenizer } from "../tokenize/index.js";
import { EngineError } from "./errors.js";
import { type RunningEngine, startEngine } from "./process.js";
import type { SampledSequence } from "./schemas.js";
import { tinyModel } from "./test-helpers/tiny-model.js";

function maxAbsDifference(left: number[][], right: number[][]): number {
  let largest = 0;
  left.forEach((row, sequence) => {
    expect(row.length).toBe(right[sequence].length);
    row.forEach((value, token) => {
      largest = Math.max(largest, Math.abs(value - right[sequence][token]));
    });
  });
  return largest;
}

/** The engine's samples as the trainer's groups (batch.ts builds the data and weights from them). */
function asGroups(prompts: number[][], samples: SampledSequence[][]): SampledGroup[] {
  return samples.map((group, index) => ({
    problem: { id: String(index), benchmark: "test", question: "", answer: "" },
    promptTokens: prompts[index] as number[],
    samples: group.map((sample) => ({
      tokens: sample.tokens,
      logprobs: sample.logprobs,
      stopReason: sample.stop_reason === "length" ? "length" : "stop",
      text: "",
      correct: false,
      rewardTerms: {},
      reward: 0,
    })),
  }));
}

/** Reward for the test: the share of even token ids in the response (varies within a group). */
function evenShare(sequence: SampledSequence): number {
  return sequence.tokens.filter((token) => token % 2 === 0).length / sequence.tokens.length;
}

describe("engine end to end (tiny preset)", () => {
  let engine: RunningEngine;
  let tokenizer: Tokenizer;
  let stateFolder: string;
  let prompts: number[][];

  beforeAll(async () => {
    const model = await tinyModel(0);
    tokenizer = await loadTokenizer(model);
    stateFolder = mkdtempSync(join(tmpdir(), "boxed-engine-state-"));
    engine = await startEngine({ model, seed: 0, threads: 1, stateDir: stateFolder });
    const questions = ["What is 2+3? Answer in \\boxed{}.", "Solve x+1=3."];
    prompts = questions.map((question) =>
      tokenizer.encodeChat([{ role: "user", content: question }], { addGenerationPrompt: true }),
    );
  }, 300_000);

  afterAll(async () => {
    await engine?.stop();
    if (stateFolder) rmSync(stateFolder, { recursive: true, force: true });
  });

  it("describes the model, whose vocabulary the TS tokenizer covers", async () => {
    const info = await engine.client.info();
    expect(info).toMatchObject({
      architecture: "Qwen2ForCausalLM",
      device: "cpu",
      dtype: "float32",
      lora: null,
      step: 0,
    });
    expect(info.vocab_size).toBeGreaterThanOrEqual(tokenizer.vocabSize);
  });

  it("samples reproducibly, with log-probs that /logprobs reproduces (< 1e-4)", async () => {
    const sampling_params = { max_tokens: 12, temperature: 0.8, seed: 11 };
    const first = await engine.client.sample({ prompts, num_samples: 3, sampling_params });
    const second = await engine.client.sample({ prompts, num_samples: 3, sampling_params });
    expect(second).toEqual(first);
    const sequences = first.samples.flatMap((group, index) =>
      group.map((sample) => ({ prompt: prompts[index], sample })),
    );
    for (const { sample } of sequences) {
      expect(sample.tokens.length).toBe(sample.logprobs.length);
      expect(sample.tokens.length).toBeLessThanOrEqual(12);
      if (sample.stop_reason === "stop") expect(tokenizer.eosTokenIds).toContain(sample.tokens.at(-1));
    }
    const training = buildSequences(
      asGroups(prompts, first.samples),
      first.samples.map((group) => group.map(() => 0)),
    );
    const scored = await engine.client.logprobs({
      data: training.map((sequence) => sequence.datum),
      temperature: sampling_params.temperature, // the sampler records log softmax(logits / T)
    });
    const responseLogprobs = scored.logprobs.map((row, index) => responsePart(training[index], row));
    expect(
      maxAbsDifference(
        responseLogprobs,
        sequences.map(({ sample }) => sample.logprobs),
      ),
    ).toBeLessThan(1e-4);
  });

  it("runs a PPO step from TS coefficients, descends the loss, and resumes exactly from saved state", async () => {
    const groups = (
      await engine.client.sample({ prompts, num_samples: 4, sampling_params: { max_tokens: 10, seed: 5 } })
    ).samples;
    const sequences = groups.flatMap((group, index) =>
      group.map((sample) => ({ prompt: prompts[index], sample })),
    );
    const advantages_S = computeAdvantages(
      groups.map((group) => group.map(evenShare)),
      { estimator: "grpo" },
    ).flat();
    const width = Math.max(...sequences.map(({ sample }) => sample.tokens.length));
    const pad = (row: number[], value: number) => [...row, ...Array(width - row.length).fill(value)];
    const training = buildSequences(
      asGroups(prompts, groups),
      groups.map((group) => group.map(() => 0)),
    );
    const data = training.map((sequence) => sequence.datum);
    const batch = (logprobs_S_T: number[][]) => ({
      logprobs: logprobs_S_T.map((row) => pad(row, 0)),
      oldLogprobs: sequences.map(({ sample }) => pad(sample.logprobs, 0)),
      advantages: sequences.map(({ sample }, index) =>
        pad(Array(sample.tokens.length).fill(advantages_S[index]), 0),
      ),
      mask: sequences.map(({ sample }) => pad(Array(sample.tokens.length).fill(1), 0)),
    });
    const responseOf = (logprobs_S_T: number[][]) =>
      logprobs_S_T.map((row, index) => responsePart(training[index], row));

    // Split form: forward keeps the graph, TS computes the coefficients from its log-probs, backward applies them.
    const forward = await engine.client.forward({ data });
    const before = policyLoss(batch(responseOf(forward.logprobs)), { loss: "ppo" });
    const weighted = training.map((sequence, index) => ({
      ...sequence.datum,
      // Padded rows: the coefficients past the response are 0 (mask), so only the response's are sent.
      weights: sequenceWeights(
        sequence,
        (before.coefficients[index] as number[]).slice(0, sequence.samplerLogprobs.length),
      ),
    }));
    const weights = weighted.map((datum) => datum.weights);
    const split = await engine.client.backward({ handle: forward.handle, weights });
    await engine.client.zeroGrad();
    // Fused form: the same weights give the same loss and the same log-probs.
    const fused = await engine.client.forwardBackward({ data: weighted });
    expect(Math.abs(fused.loss - split.loss)).toBeLessThan(1e-4);
    expect(maxAbsDifference(fused.logprobs, forward.logprobs)).toBeLessThan(1e-5);

    await engine.client.saveState(join(stateFolder, "step-0"));
    const step = await engine.client.optimStep({ adam_params: { learning_rate: 1e-3 }, grad_clip_norm: 1 });
    expect(step.step).toBe(1);
    expect(step.grad_norm).toBeGreaterThan(0);
    const after = await engine.client.logprobs({ data });
    const lossAfter = policyLoss(batch(responseOf(after.logprobs)), { loss: "ppo" }).loss;
    expect(lossAfter).toBeLessThan(before.loss);

    // Exact resume: loading the step-0 state restores its log-probs and step counter.
    const loaded = await engine.client.loadState(join(stateFolder, "step-0"));
    expect(loaded.step).toBe(0);
    const restored = await engine.client.logprobs({ data });
    expect(maxAbsDifference(restored.logprobs, forward.logprobs)).toBeLessThan(1e-6);
    expect((await engine.client.info()).step).toBe(0);
    const again = await engine.client.sample({
      prompts,
      num_samples: 1,
      sampling_params: { max_tokens: 4, seed: 1 },
    });
    expect(again.samples.map((group) => group.length)).toEqual([1, 1]);
  });

  it("answers bad input with clear 4xx errors and keeps serving", async () => {
    const vocabulary = (await engine.client.info()).vocab_size;
    const maxContext = (await engine.client.info()).max_context;
    const cases: [string, unknown, RegExp][] = [
      ["/logprobs", { data: [{ tokens: [vocabulary], target_tokens: [1] }] }, /vocabulary/],
      [
        "/logprobs",
        { data: [{ tokens: Array(maxContext + 1).fill(1), target_tokens: Array(maxContext + 1).fill(1) }] },
        /context/,
      ],
      ["/logprobs", { data: [{ tokens: [1, 2], target_tokens: [2] }] }, /aligned/],
      ["/forward_backward", { data: [{ tokens: [1], target_tokens: [2], weights: [null] }] }, /weights/],
      [
        "/sample",
        { prompts: [[1]], num_samples: 1, sampling_params: { max_tokens: 1 }, temprature: 1 },
        /temprature/,
      ],
      ["/logprobs", { data: [{ tokens: [1], target_tokens: [2] }], model: "reference" }, /reference/],
    ];
    for (const [path, body, message] of cases) {
      const error = (await engine.client
        .request("POST", path, body)
        .catch((caught) => caught)) as EngineError;
      expect(error, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBeInstanceOf(EngineError);
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.status).toBeLessThan(500);
      expect(error.message).toMatch(message);
    }
    expect(await engine.client.health()).toEqual({ status: "ok", protocol: 2 });
  });

  it("answers nothing without the token startEngine generated (never on the engine's command line)", async () => {
    for (const path of ["/health", "/info", "/v1/models"]) {
      expect((await fetch(`${engine.url}${path}`)).status).toBe(401);
    }
    const cmdline = readFileSync(`/proc/${engine.pid}/cmdline`, "utf8");
    expect(cmdline).not.toContain(engine.token);
  });
});
