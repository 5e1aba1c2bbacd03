import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { initModel } from "../engine/index.js";
import type { EvalResults } from "./results.js";
import type { SampleRecord } from "./score.js";

describe("boxed eval end to end against the engine's OpenAI-compatible API", () => {
  it("evaluates aime24 with n = 4 on a tiny model and writes all three outputs", {
    timeout: 240_000,
  }, async () => {
    const folder = mkdtempSync(join(tmpdir(), "boxed-eval-engine-"));
    const model = join(folder, "tiny");
    await initModel({ out: model, preset: "tiny", seed: 0 });
    const out = join(folder, "run");
    const result = await runCli(
      [
        "eval",
        "--benchmark",
        "aime24",
        "--engine-model",
        model,
        "--n",
        "4",
        "--max-tokens",
        "12",
        "--temperature",
        "1",
        "--seed",
        "0",
        "--workers",
        "1",
        "--out",
        out,
      ],
      { timeoutMs: 180_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/aime24: 30 problems × n=4 \(120 samples\)/);
    expect(result.stderr).toMatch(/120\/120 samples/);
    for (const file of ["results.json", "samples.jsonl", "report.html"])
      expect(existsSync(join(out, file)), file).toBe(true);
    const results: EvalResults = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    const aime = results.benchmarks.aime24;
    expect(aime).toMatchObject({ problems: 30, samples: 120, n: 4, errors: 0 });
    for (const metric of ["pass@1", "pass@2", "pass@4", "maj@4", "avg@4"]) {
      expect(aime.metrics[metric], metric).toBeGreaterThanOrEqual(0);
      expect(aime.metrics[metric], metric).toBeLessThanOrEqual(1);
    }
    const records: SampleRecord[] = readFileSync(join(out, "samples.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(120);
    // Each choice's own token count (the engine answers return_token_ids): never above max_tokens, never estimated.
    expect(
      records.every(
        (record) =>
          record.usage.completionTokens > 0 && record.usage.completionTokens <= 12 && !record.usage.estimated,
      ),
    ).toBe(true);
    expect(aime.truncationRate).toBeGreaterThan(0); // 12 tokens cut most responses

    // Completion mode renders the model's chat template in TS, then the template's assistant prefix.
    const plan = await runCli([
      "eval",
      "--benchmark",
      "aime24",
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--model",
      "tiny",
      "--mode",
      "completion",
      "--tokenizer",
      model,
      "--prompt",
      "deepseek-r1",
      "--dry-run",
      "--out",
      join(folder, "plan"),
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /"prompt":\{"kind":"completion","prompt":"<\|im_start\|>user\\nEvery morning Aya.*<\|im_start\|>assistant\\n<think>\\n"\}/,
    );
  });
});
