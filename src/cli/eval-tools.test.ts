import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import type { EvalResults } from "../eval/results.js";
import type { SampleRecord } from "../eval/score.js";
import { scriptedModel } from "../tools/test-helpers/scripted-tool-model.js";

describe("boxed eval --tools python", () => {
  const model = scriptedModel("print(48213 * 90417)");
  let baseUrl: string;
  const folder = mkdtempSync(join(tmpdir(), "boxed-eval-tools-"));
  const data = join(folder, "problems.jsonl");

  beforeAll(async () => {
    await new Promise<void>((resolve) => model.server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(model.server.address() as AddressInfo).port}/v1`;
    writeFileSync(data, `${JSON.stringify({ id: "p1", question: "48213*90417=", answer: "4359274821" })}\n`);
  });
  afterAll(() => model.server.close());

  it("records every turn in samples.jsonl and tool metrics in results.json", async () => {
    const out = join(folder, "run");
    const args = [
      "eval",
      "--base-url",
      baseUrl,
      "--model",
      "scripted",
      "--data",
      data,
      "--mode",
      "chat",
      "--n",
      "2",
    ];
    const result = await runCli([
      ...args,
      "--tools",
      "python",
      "--max-tool-calls",
      "2",
      "--out",
      out,
      "--no-progress",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const records = readFileSync(join(out, "samples.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as SampleRecord);
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record.correct).toBe(true);
      expect(record.turns?.map((turn) => turn.kind)).toEqual(["generation", "tool", "generation"]);
      expect(record.turns?.[1]).toMatchObject({
        code: "print(48213 * 90417)\n",
        output: "4359274821",
        error: false,
      });
    }
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as EvalResults;
    const benchmark = Object.values(results.benchmarks)[0]!;
    expect(benchmark.tools).toMatchObject({
      toolCallsPerSample: 1,
      toolErrorRate: 0,
      accuracyWithToolCalls: 1,
    });
    expect(results.config).toMatchObject({ tools: "python", toolFormat: "qwen-tir", maxToolCalls: 2 });
    expect(result.stdout).toMatch(/tool calls per sample/);
  });

  it("names an unknown tool, format, or a format the mode cannot carry", async () => {
    const base = [
      "eval",
      "--base-url",
      baseUrl,
      "--model",
      "scripted",
      "--data",
      data,
      "--out",
      join(folder, "bad"),
    ];
    expect((await runCli([...base, "--tools", "shell"])).stderr).toMatch(
      /unknown tool "shell" for --tools \(known: python\)/,
    );
    expect((await runCli([...base, "--tools", "python", "--tool-format", "xml"])).stderr).toMatch(
      /unknown tool format "xml"/,
    );
    expect(
      (
        await runCli([
          ...base,
          "--tools",
          "python",
          "--tool-format",
          "openai",
          "--mode",
          "completion",
          "--tokenizer",
          folder,
        ])
      ).stderr,
    ).toMatch(/needs --mode chat/);
  });
});
