import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../engine/python.js";
import { advantageEstimators } from "../advantages/registry.js";
import { stepAdvantageEstimators } from "../advantages/step-estimators.js";
import { rewardFunctions } from "../rewards/registry.js";
import { batchFilters } from "../select/filters.js";
import { loadModelText } from "./codec.js";
import { parseTrainConfig, type TrainConfigInput } from "./config.js";
import { advantageOptionKeys, filterOptionKeys, rewardOptionKeys } from "./option-keys.js";
import { createProblemSource } from "./problems.js";
import { runTraining } from "./run.js";
import { validateRun } from "./validate-run.js";

const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");

async function validate(input: Partial<TrainConfigInput>) {
  const config = parseTrainConfig({ out: "run", model: { path: MODEL }, ...input });
  const { codec } = await loadModelText(MODEL, config.data.template);
  const source = createProblemSource({
    task: config.data.task,
    seed: config.seed,
    heldOutCount: config.evaluation.problems,
    difficulty: config.data.difficulty,
    steps: config.data.steps,
  });
  return validateRun(config, source, codec);
}

describe("the whole config is checked before any engine time", () => {
  it("rejects unknown names of every registry, listing the known ones", async () => {
    await expect(validate({ advantage: { estimator: "grpoo" } })).rejects.toThrow(
      /"grpoo".*grpo.*tempo.*spo/,
    );
    await expect(validate({ loss: { name: "ppoo" } })).rejects.toThrow(/"ppoo".*ppo/);
    await expect(validate({ rewards: [{ name: "correct" }] })).rejects.toThrow(/"correct".*correctness/);
    await expect(validate({ filters: [{ name: "dynamic" }] })).rejects.toThrow(/"dynamic".*dynamic_sampling/);
    await expect(validate({ optimizer: { schedule: "cosin" } })).rejects.toThrow(/"cosin".*cosine/);
    await expect(validate({ rolloutCorrection: { mode: "tis" } })).rejects.toThrow(/"tis".*token_truncate/);
  });

  it("rejects unknown option keys of any algorithm, listing the known keys", async () => {
    await expect(validate({ advantage: { estimator: "grpo", options: { epsilion: 1 } } })).rejects.toThrow(
      /advantage.options of "grpo": unknown option epsilion \(known: epsilon\)/,
    );
    await expect(validate({ advantage: { estimator: "rloo", options: { epsilon: 1 } } })).rejects.toThrow(
      /takes no options/,
    );
    await expect(validate({ loss: { options: { clipHihg: 0.3 } } })).rejects.toThrow(
      /clipHihg.*masteredProbability/,
    );
    await expect(validate({ rewards: [{ name: "overlong", options: { maxLen: 8 } }] })).rejects.toThrow(
      /rewards\[0\].options of "overlong": unknown option maxLen \(known: maxLength, cacheLength\)/,
    );
    await expect(validate({ filters: [{ name: "difficulty", options: { lo: 0.1 } }] })).rejects.toThrow(
      /filters\[0\].options of "difficulty".*low, high/,
    );
  });

  it("rejects option values an algorithm cannot take", async () => {
    await expect(validate({ advantage: { estimator: "spo", options: { decay: 2 } } })).rejects.toThrow(
      /decay/,
    );
    await expect(validate({ loss: { name: "ppo", dualClip: 1 } })).rejects.toThrow(/dualClip/);
    await expect(validate({ rewards: [{ name: "laser" }] })).rejects.toThrow(/targetLength/);
  });

  it("rejects data settings that cannot work", async () => {
    // difficulty 1: 100 distinct additions, all of them held out → no training problem is left.
    await expect(
      validate({ data: { task: "addition", difficulty: 1 }, evaluation: { problems: 100 } }),
    ).rejects.toThrow(/no training batch.*100 held out/);
    await expect(
      validate({ data: { task: "addition", difficulty: 1 }, evaluation: { problems: 150 } }),
    ).rejects.toThrow(/only 100 distinct problems for the 150 held-out/);
    // traces of 2-digit additions with steps need far more than 8 tokens.
    await expect(
      validate({ data: { task: "addition", difficulty: 2, steps: true }, sampling: { maxTokens: 8 } }),
    ).rejects.toThrow(/sampling.maxTokens 8 truncates .* reference traces/);
    await expect(
      validate({ data: { task: "addition", difficulty: 2, steps: true }, sampling: { maxTokens: 64 } }),
    ).resolves.toBeDefined();
  });

  it("fails in runTraining before the engine starts and before writing the run's files", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "boxed-validate-")), "run");
    const started = performance.now();
    const config = parseTrainConfig({ out, model: { path: MODEL }, advantage: { options: { epsilion: 1 } } });
    await expect(runTraining(config, { handleSignals: false })).rejects.toThrow(/epsilion/);
    expect(performance.now() - started).toBeLessThan(5_000); // an engine start alone takes longer
    expect(existsSync(join(out, "config.json"))).toBe(false);
  });

  it("refuses a non-empty run folder unless --resume", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "boxed-stale-")), "run");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "evals.jsonl"), `${JSON.stringify({ step: 0, label: "before" })}\n`);
    const config = parseTrainConfig({ out, model: { path: MODEL } });
    await expect(runTraining(config, { handleSignals: false })).rejects.toThrow(
      /is not empty \(evals.jsonl\); pass --resume/,
    );
  });
});

describe("option keys", () => {
  it("cover every registry key", () => {
    expect(Object.keys(advantageOptionKeys).sort()).toEqual(
      [...advantageEstimators.keys(), ...stepAdvantageEstimators.keys()].sort(),
    );
    expect(Object.keys(rewardOptionKeys).sort()).toEqual([...rewardFunctions.keys()].sort());
    expect(Object.keys(filterOptionKeys).sort()).toEqual([...batchFilters.keys()].sort());
  });
});
