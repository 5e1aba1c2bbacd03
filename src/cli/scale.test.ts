import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { startFakeUpstream } from "../scale/serve/test-helpers/fake-upstream.js";

const folder = mkdtempSync(join(tmpdir(), "boxed-scale-cli-"));
const samples = join(folder, "samples.jsonl");
const rows = [
  ["a", "2", ["\\boxed{2}", "\\boxed{2.0}", "\\boxed{3}"]],
  ["b", "5", ["\\boxed{4}", "\\boxed{5}", "\\boxed{4}"]],
].flatMap(([problemId, gold, texts]) =>
  (texts as string[]).map((text, index) => ({
    problemId,
    gold,
    text,
    index,
    usage: { completionTokens: 10 },
  })),
);
writeFileSync(samples, rows.map((row) => JSON.stringify(row)).join("\n"));

describe("boxed scale analyze", () => {
  it("prints per-strategy JSON and writes the charts", async () => {
    const svg = join(folder, "chart.svg");
    const result = await runCli([
      "scale",
      "analyze",
      "--samples",
      samples,
      "--strategies",
      "pass@1",
      "maj@3",
      "esc@3,window=2",
      "--json",
      "--svg",
      svg,
    ]);
    expect(result.stderr).toBe("");
    const table = JSON.parse(result.stdout);
    expect(table.map((row: { strategy: string }) => row.strategy)).toEqual([
      "pass@1",
      "maj@3",
      "esc@3,window=2",
    ]);
    // pass@1 = (2/3 + 1/3)/2; maj@3: a → 2 wins (correct), b → 4 wins (wrong).
    expect(table[0]).toMatchObject({ accuracy: 0.5, avgSamples: 1, avgTokens: 10 });
    expect(table[1]).toMatchObject({ accuracy: 0.5, avgSamples: 3, avgTokens: 30 });
    expect(readFileSync(svg, "utf8")).toContain("esc@3,window=2");
  }, 60_000);

  it("names an unknown strategy and the known ones", async () => {
    const result = await runCli(["scale", "analyze", "--samples", samples, "--strategies", "magic@3"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown strategy "magic" \(known: pass, maj, vote/);
  }, 60_000);
});

describe("boxed scale run", () => {
  it("runs a strategy against a server and prints the vote", async () => {
    const upstream = await startFakeUpstream({
      respond: (index) => ["\\boxed{7}", "\\boxed{7.0}", "\\boxed{8}"][index % 3] ?? "",
    });
    try {
      const result = await runCli([
        "scale",
        "run",
        "--base-url",
        upstream.url,
        "--model",
        "fake",
        "--strategy",
        "maj@3",
        "--prompt",
        "3+4?",
      ]);
      expect(result.stderr).toBe("");
      const summary = JSON.parse(result.stdout);
      expect(summary).toMatchObject({
        strategy: "maj@3",
        samplesUsed: 3,
        stopReason: "budget",
        selected: { answer: "7" },
      });
      expect(summary.votes).toEqual([
        { answer: "7", weight: 2 },
        { answer: "8", weight: 1 },
      ]);
    } finally {
      await upstream.close();
    }
  }, 60_000);
});
