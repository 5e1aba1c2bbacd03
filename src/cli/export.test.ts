import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { PACKAGE_ROOT } from "../engine/python.js";

/** The shipped warm-started model: it solves some additions, so a step changes the weights. */
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");

const weights = (directory: string) => readFileSync(join(directory, "model.safetensors"));

describe("boxed train exports its model; boxed export writes any checkpoint; boxed eval runs on both", () => {
  it("trains 2 steps, exports step 1 and the latest, and evaluates the export", async () => {
    const folder = mkdtempSync(join(tmpdir(), "boxed-export-"));
    const run = join(folder, "run");
    const train = await runCli(
      [
        "train",
        "--out",
        run,
        "--model",
        MODEL,
        "--steps",
        "2",
        "--prompts-per-step",
        "8",
        "--group-size",
        "4",
        "--set",
        "data.difficulty=2",
        "--set",
        "data.steps=true",
        "--set",
        "sampling.maxTokens=40",
        "--set",
        "evaluation.problems=8",
        "--set",
        "evaluation.samples=2",
        "--set",
        "checkpointEvery=1",
      ],
      { timeoutMs: 240_000 },
    );
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/held-out\s+│?\s*before training\s+│?\s*after training/);
    expect(train.stderr).toContain(`report: ${join(run, "report.html")}`);
    expect(train.stderr).toContain(`model: ${join(run, "model")}`);
    expect(JSON.parse(train.stdout)).toMatchObject({ steps: 2, model: join(run, "model") });

    const latest = join(folder, "latest");
    const first = join(folder, "step-1");
    for (const [checkpoint, out] of [
      [run, latest],
      [join(run, "checkpoints", "step-000001"), first],
    ]) {
      const result = await runCli(["export", checkpoint, "--out", out], { timeoutMs: 180_000 });
      expect(result.code, result.stderr).toBe(0);
      for (const file of ["config.json", "model.safetensors", "tokenizer.json"])
        expect(existsSync(join(out, file)), file).toBe(true);
    }
    // The run's own export and the latest checkpoint's are the same weights; step 1's differ from both.
    expect(weights(latest).equals(weights(join(run, "model")))).toBe(true);
    expect(weights(first).equals(weights(latest))).toBe(false);
    expect(weights(first).equals(weights(MODEL))).toBe(false);

    const data = join(folder, "problems.jsonl");
    writeFileSync(data, '{"question":"12+30=","answer":"42"}\n{"question":"5+7=","answer":"12"}\n');
    const evaluation = await runCli(
      ["eval", "--data", data, "--engine-model", first, "--n", "2", "--max-tokens", "4"].concat([
        "--seed",
        "0",
        "--workers",
        "1",
        "--no-progress",
        "--out",
        join(folder, "eval"),
      ]),
      { timeoutMs: 180_000 },
    );
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(folder, "eval", "results.json"), "utf8"));
    const [set] = Object.values(results.benchmarks) as {
      problems: number;
      samples: number;
      errors: number;
    }[];
    expect(set).toMatchObject({ problems: 2, samples: 4, errors: 0 });
  }, 600_000);

  it("names what it expected when the path is not a checkpoint", async () => {
    const result = await runCli(["export", tmpdir(), "--out", join(tmpdir(), "never")]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/is not a checkpoint: expected a run directory/);
  });
});
