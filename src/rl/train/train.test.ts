import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSequences, responsePart, sequenceWeights, splitIntoChunks } from "./batch.js";
import { describeConfig, parseTrainConfig } from "./config.js";
import { parseAssignment, resolveTrainConfig } from "./load-config.js";
import { createProblemSource } from "./problems.js";
import { appendJsonLines, prepareOutputDirectory, readJsonLines, truncateJsonLines } from "./run-files.js";
import { rolloutMetrics } from "./step.js";
import type { SampledGroup } from "./types.js";

describe("training config", () => {
  it("fills every default and documents every field", () => {
    const config = parseTrainConfig({ out: "run" });
    expect(config.groupSize).toBe(8);
    expect(config.loss.name).toBe("ppo");
    expect(config.optimizer.learningRate).toBe(3e-4);
    const lines = describeConfig();
    expect(lines.some((line) => line.startsWith("optimizer.learningRate = 0.0003 — "))).toBe(true);
    for (const line of lines) expect(line).toMatch(/^[\w.]+ = .+ — \S/);
  });

  it("rejects unknown and bad fields by name, at any depth", () => {
    expect(() => parseTrainConfig({ out: "run", bogus: 1 })).toThrow(/bogus/);
    expect(() => parseTrainConfig({ out: "run", loss: { clipp: 0.2 } })).toThrow(/loss.*clipp/);
    expect(() => parseTrainConfig({ out: "run", groupSize: 0 })).toThrow(/groupSize/);
    expect(() => parseTrainConfig({})).toThrow(/out/);
  });

  it("applies file then overrides, later flags winning", () => {
    const directory = mkdtempSync(join(tmpdir(), "boxed-config-"));
    const file = join(directory, "config.yaml");
    writeFileSync(file, "out: a\nsteps: 5\nloss:\n  name: gspo\n");
    const config = resolveTrainConfig({
      file,
      overrides: [
        parseAssignment("loss.clipHigh=0.28"),
        ["steps", 7],
        parseAssignment("steps=9"),
        ["seed", undefined],
      ],
    });
    expect(config).toMatchObject({ out: "a", steps: 9, loss: { name: "gspo", clipHigh: 0.28 } });
    expect(() => parseAssignment("steps")).toThrow(/key=value/);
  });
});

describe("training batch", () => {
  const group: SampledGroup = {
    problem: { id: "p", benchmark: "addition", question: "1+2=", answer: "3" },
    promptTokens: [10, 11, 12],
    samples: [
      {
        tokens: [5, 2],
        logprobs: [-0.5, -0.1],
        stopReason: "stop",
        text: "3",
        correct: true,
        rewardTerms: {},
        reward: 1,
      },
      {
        tokens: [6, 7],
        logprobs: [-1, -2],
        stopReason: "length",
        text: "4",
        correct: false,
        rewardTerms: {},
        reward: 0,
      },
    ],
  };

  it("aligns response log-probs and puts −coefficients on response targets only", () => {
    const [first] = buildSequences([group], [[0.7, -0.7]]);
    expect(first.datum).toEqual({ tokens: [10, 11, 12, 5], target_tokens: [11, 12, 5, 2] });
    expect(responsePart(first, [-9, -9, -0.5, -0.1])).toEqual([-0.5, -0.1]);
    expect(sequenceWeights(first, [0.25, -0.5])).toEqual([0, 0, -0.25, 0.5]);
    expect(first.advantage).toBe(0.7);
  });

  it("summarises rollouts", () => {
    const metrics = rolloutMetrics([group]);
    expect(metrics).toMatchObject({
      rewardMean: 0.5,
      accuracy: 0.5,
      truncationRate: 0.5,
      zeroVarianceFraction: 0,
    });
    expect(metrics.entropy).toBeCloseTo((0.5 + 0.1 + 1 + 2) / 4);
    expect(splitIntoChunks([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});

describe("problem source", () => {
  it("never trains on held-out problems and repeats its data order", () => {
    const source = createProblemSource({ task: "addition", seed: 3, heldOutCount: 300, difficulty: 1 });
    const heldOut = new Set(source.heldOut.map((problem) => problem.question));
    expect(heldOut.size).toBeLessThanOrEqual(100);
    expect(() => source.batch(1, 50)).toThrow(/fresh problems/);
    const wide = createProblemSource({ task: "addition", seed: 3, heldOutCount: 100, difficulty: 2 });
    const wideHeldOut = new Set(wide.heldOut.map((problem) => problem.question));
    for (let step = 1; step <= 20; step++) {
      for (const problem of wide.batch(step, 32)) expect(wideHeldOut.has(problem.question)).toBe(false);
    }
    expect(wide.batch(4, 8)).toEqual(wide.batch(4, 8));
    expect(wide.batch(4, 8, 1)).not.toEqual(wide.batch(4, 8));
    expect(() => createProblemSource({ task: "nonesuch", seed: 0, heldOutCount: 1 })).toThrow(/addition/);
  });
});

describe("run files", () => {
  it("fails early on an unwritable directory", () => {
    const directory = mkdtempSync(join(tmpdir(), "boxed-run-"));
    const file = join(directory, "a-file");
    writeFileSync(file, "x");
    expect(() => prepareOutputDirectory(join(file, "run"))).toThrow(/not writable/);
    expect(() => prepareOutputDirectory(directory, Number.MAX_SAFE_INTEGER)).toThrow(/MB free/);
  });

  it("rewinds JSON lines to a checkpoint and ignores a torn last line", () => {
    const path = join(mkdtempSync(join(tmpdir(), "boxed-run-")), "metrics.jsonl");
    appendJsonLines(path, [{ step: 1 }, { step: 2 }, { step: 3 }]);
    writeFileSync(
      path,
      `${readJsonLines(path)
        .map((line) => JSON.stringify(line))
        .join("\n")}\n{"step": 4, "tor`,
    );
    expect(readJsonLines(path)).toHaveLength(3);
    truncateJsonLines(path, 2);
    expect(readJsonLines(path)).toEqual([{ step: 1 }, { step: 2 }]);
  });
});

describe("algorithms from the rl registries", () => {
  it("composes rewards, chains filters, schedules the learning rate, and rejects unknown names", async () => {
    const { resolveAlgorithms } = await import("./algorithms.js");
    const config = parseTrainConfig({
      out: "run",
      steps: 10,
      rewards: [
        { name: "correctness" },
        { name: "overlong", weight: 0.5, options: { maxLength: 8, cacheLength: 4 } },
      ],
      filters: [{ name: "dynamic_sampling" }],
      optimizer: { schedule: "cosine", learningRate: 1e-3 },
    });
    const algorithms = resolveAlgorithms(config);
    const problem = { id: "p", benchmark: "b", question: "q", answer: "a" };
    const [right, wrong] = algorithms.rewarder(
      [
        { problem, text: "a", correct: true, length: 2, stopReason: "stop" },
        { problem, text: "b", correct: false, length: 8, stopReason: "length" },
      ],
      {},
    );
    expect(right.terms.correctness).toBe(1);
    expect(wrong.terms.correctness).toBe(0);
    expect(wrong.total).toBeCloseTo(wrong.terms.correctness + 0.5 * wrong.terms.overlong);
    expect(
      algorithms.keepGroups([
        [1, 1],
        [0, 1],
        [0, 0],
      ]),
    ).toEqual([false, true, false]);
    expect(algorithms.learningRateAt(1)).toBeCloseTo(1e-3);
    expect(algorithms.learningRateAt(10)).toBeLessThan(1e-4);
    expect(() => resolveAlgorithms(parseTrainConfig({ out: "r", rewards: [{ name: "nope" }] }))).toThrow(
      /correctness/,
    );
    expect(() => resolveAlgorithms(parseTrainConfig({ out: "r", filters: [{ name: "nope" }] }))).toThrow(
      /dynamic_sampling/,
    );
  });
});
