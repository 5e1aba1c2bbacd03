import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEngine, startEngine } from "../../engine/process.js";
import { PACKAGE_ROOT } from "../../engine/python.js";
import type { WeightedDatum } from "../../engine/schemas.js";
import { entropyWeights } from "../losses/entropy-bonus.js";
import { policyLoss } from "../losses/policy-loss.js";
import { parseTrainConfig } from "./config.js";
import { createLiveView } from "./live-view.js";
import { runTraining } from "./run.js";
import { readJsonLines } from "./run-files.js";

/** The objective the engine optimises, checked against a real engine: temperature and the entropy bonus. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const PROMPTS = [
  [1, 40, 41, 42],
  [1, 50, 51],
];

describe("training objective (real engine)", () => {
  let engine: RunningEngine;
  /** Runs write their checkpoints here: the engine's state directory (paths outside it are refused). */
  const root = mkdtempSync(join(tmpdir(), "boxed-objective-"));
  beforeAll(async () => {
    engine = await startEngine({ model: MODEL, seed: 0, threads: 1, stateDir: root });
  }, 180_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it("scores the sampler's tokens as the sampler did at T = 0.6 (forward and /logprobs)", async () => {
    const { client } = engine;
    const sampled = await client.sample({
      prompts: PROMPTS,
      num_samples: 4,
      sampling_params: { max_tokens: 8, temperature: 0.6, seed: 3 },
    });
    const rows = sampled.samples.flatMap((group, index) =>
      group.map((sample) => ({ prompt: PROMPTS[index], sample })),
    );
    const data = rows.map(({ prompt, sample }) => {
      const full = [...prompt, ...sample.tokens];
      return { tokens: full.slice(0, -1), target_tokens: full.slice(1) };
    });
    const forward = await client.forward({ data, temperature: 0.6 });
    const scored = await client.logprobs({ data, temperature: 0.6 });
    const untempered = await client.logprobs({ data });
    await client.zeroGrad();
    let worst = 0;
    let worstUntempered = 0;
    rows.forEach(({ prompt, sample }, row) => {
      sample.logprobs.forEach((value, token) => {
        const at = prompt.length - 1 + token;
        worst = Math.max(
          worst,
          Math.abs(forward.logprobs[row][at] - value),
          Math.abs(scored.logprobs[row][at] - value),
        );
        worstUntempered = Math.max(worstUntempered, Math.abs(untempered.logprobs[row][at] - value));
      });
    });
    expect(worst).toBeLessThan(1e-4);
    expect(worstUntempered).toBeGreaterThan(1e-2);
  }, 60_000);

  it("has PPO ratio 1 and no sampler–trainer mismatch on the first update at T = 0.6", async () => {
    const out = join(mkdtempSync(join(root, "ratio-")), "run");
    const config = parseTrainConfig({
      out,
      steps: 1,
      promptsPerStep: 4,
      groupSize: 4,
      model: { path: MODEL },
      data: { task: "addition", difficulty: 2 },
      sampling: { maxTokens: 6, temperature: 0.6 },
      evaluation: { problems: 0 },
      checkpointEvery: 0,
    });
    await runTraining(config, { engine, view: createLiveView(process.stderr, true), handleSignals: false });
    const [row] = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
    expect(Math.abs(row.ratioMean - 1)).toBeLessThan(1e-4);
    expect(Math.abs(row.samplerTrainerKl)).toBeLessThan(1e-5);
    expect(row.clipFractionLow + row.clipFractionHigh).toBe(0);
    expect(row.policyDrift).toBeUndefined(); // one update per step: no forward after an update
  }, 120_000);

  it("measures samplerTrainerKl once before any update, policy drift after each update", async () => {
    const out = join(mkdtempSync(join(root, "drift-")), "run");
    const config = parseTrainConfig({
      out,
      steps: 1,
      promptsPerStep: 4,
      groupSize: 4,
      model: { path: MODEL },
      data: { task: "addition", difficulty: 2 },
      sampling: { maxTokens: 40, temperature: 0.6 }, // room for the shipped model's trace, so groups carry a signal
      evaluation: { problems: 0 },
      checkpointEvery: 0,
      ppoEpochs: 2,
      miniBatches: 2,
      optimizer: { learningRate: 3e-3 },
    });
    await runTraining(config, { engine, view: createLiveView(process.stderr, true), handleSignals: false });
    const [row] = readJsonLines<Record<string, number>>(join(out, "metrics.jsonl"));
    // Four updates in the step: the mismatch stays ~0 (it used to mix in the drift of later mini-batches).
    expect(Math.abs(row.samplerTrainerKl)).toBeLessThan(1e-5);
    expect(row.policyDrift).toBeGreaterThan(1e-4);
    for (const key of ["clipFractionLow", "clipFractionHigh", "gradNorm", "learningRate", "approxKl"]) {
      expect(Number.isFinite(row[key]), key).toBe(true);
    }
    expect(row.learningRate).toBe(3e-3);
  }, 120_000);

  it("leaves the gradient unchanged when the batch is duplicated (token_mean, entropy bonus included)", async () => {
    const { client } = engine;
    const sampled = await client.sample({
      prompts: PROMPTS,
      num_samples: 3,
      sampling_params: { max_tokens: 6, temperature: 1, seed: 5 },
    });
    const rows = sampled.samples.flatMap((group, index) =>
      group.map((sample) => ({ prompt: PROMPTS[index], sample })),
    );
    const advantages = rows.map((_, index) => (index % 2 === 0 ? 1 : -0.5));
    const weighted = (copies: number, sign: number): WeightedDatum[] => {
      const all = Array.from({ length: copies }, () => rows).flat();
      const logprobs = all.map(({ sample }) => sample.logprobs);
      const mask = logprobs.map((row) => row.map(() => 1));
      const loss = policyLoss(
        {
          logprobs,
          oldLogprobs: logprobs,
          advantages: all.map(({ sample }, index) =>
            sample.logprobs.map(() => advantages[index % rows.length]),
          ),
          mask,
        },
        { loss: "ppo", aggregation: "token_mean" },
      );
      const entropy = entropyWeights(mask, { coefficient: 0.5, aggregation: "token_mean" });
      return all.map(({ prompt, sample }, index) => {
        const full = [...prompt, ...sample.tokens];
        const pad = new Array<number>(prompt.length - 1).fill(0);
        return {
          tokens: full.slice(0, -1),
          target_tokens: full.slice(1),
          weights: [...pad, ...loss.coefficients[index].map((c) => -sign * c)],
          entropy_weights: [...pad, ...entropy[index].map((e) => sign * e)],
        };
      });
    };
    const gradientNorm = async (batches: WeightedDatum[][]): Promise<number> => {
      await client.zeroGrad();
      for (const data of batches) await client.forwardBackward({ data, temperature: 1 });
      const step = await client.optimStep({ adam_params: { learning_rate: 0 }, grad_clip_norm: null });
      return step.grad_norm;
    };
    const single = await gradientNorm([weighted(1, 1)]);
    // ∇(single) − ∇(duplicated) accumulated in one gradient: zero when the two objectives agree.
    const difference = await gradientNorm([weighted(1, 1), weighted(2, -1)]);
    const withoutEntropy = await gradientNorm([
      weighted(1, 1).map(({ entropy_weights: _, ...datum }) => datum),
      weighted(1, -1),
    ]);
    expect(single).toBeGreaterThan(0);
    expect(difference / single).toBeLessThan(1e-5);
    expect(withoutEntropy / single).toBeGreaterThan(1e-3); // the entropy term is not negligible here
  }, 60_000);
});
