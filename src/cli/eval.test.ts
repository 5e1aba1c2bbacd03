import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../../test/helpers/cli.js";
import { passAtK } from "../eval/metrics/pass-at-k.js";
import type { EvalResults } from "../eval/results.js";
import type { SampleRecord } from "../eval/score.js";
import { type FakeServer, startFakeServer } from "../sample/test-helpers/fake-openai-server.js";

const QWEN = join(REPO_ROOT, "test/fixtures/responses/qwen25-math-math_cot_100.jsonl");
const folder = mkdtempSync(join(tmpdir(), "boxed-eval-cli-"));
const problemsFile = join(folder, "problems.jsonl");
writeFileSync(
  problemsFile,
  Array.from({ length: 3 }, (_, id) => JSON.stringify({ id, problem: `Q${id}`, answer: String(id) })).join(
    "\n",
  ),
);

describe("boxed eval --samples (offline scoring of the shared Qwen2.5-Math responses)", () => {
  it("prints pass@1, pass@8, maj@8 that differ from the file's own labels only where graders disagree", async () => {
    const out = join(folder, "qwen");
    const result = await runCli(["eval", "--samples", QWEN, "--out", out, "--workers", "2"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const metric of ["pass@1", "pass@8", "maj@8"])
      expect(result.stdout).toMatch(new RegExp(`${metric}\\s+0\\.9\\d\\d`));
    const results: EvalResults = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    const ours = results.benchmarks["qwen25-math-math_cot_100"];
    const records: SampleRecord[] = readFileSync(join(out, "samples.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const rows = readFileSync(QWEN, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { idx: number; score: boolean[] });
    // Independent computation from the file's labels, and the per-sample disagreements with our grader.
    let disagreements = 0;
    let labelPass1 = 0;
    let labelPass8 = 0;
    const disagreeingProblems = new Set<string>();
    for (const row of rows) {
      const mine = records
        .filter((record) => record.problemId === String(row.idx))
        .sort((a, b) => a.index - b.index);
      row.score.forEach((label, index) => {
        if (label !== mine[index].correct) {
          disagreements++;
          disagreeingProblems.add(String(row.idx));
        }
      });
      const correct = row.score.filter(Boolean).length;
      labelPass1 += passAtK(8, correct, 1) / rows.length;
      labelPass8 += passAtK(8, correct, 8) / rows.length;
    }
    console.log(
      `ours pass@1 ${ours.metrics["pass@1"].toFixed(4)} pass@8 ${ours.metrics["pass@8"].toFixed(4)} maj@8 ${ours.metrics["maj@8"].toFixed(4)}; labels pass@1 ${labelPass1.toFixed(4)} pass@8 ${labelPass8.toFixed(4)}; ${disagreements} of 800 grades differ`,
    );
    expect(disagreements).toBeLessThanOrEqual(16); // the verifier agrees with Qwen's grader on ≥ 98% of responses
    expect(Math.abs(ours.metrics["pass@1"] - labelPass1)).toBeLessThanOrEqual(disagreements / 800 + 1e-9);
    expect(Math.abs(ours.metrics["pass@8"] - labelPass8)).toBeLessThanOrEqual(
      disagreeingProblems.size / 100 + 1e-9,
    );
    expect(Math.abs(ours.metrics["maj@8"] - 0.925)).toBeLessThanOrEqual(
      disagreeingProblems.size / 100 + 1e-9,
    ); // labels' maj@8 = 0.925
    expect(ours.byLevel["Level 5"]?.problems).toBeGreaterThan(0);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain('<canvas id="pass-at-k"');
  });
});

describe("boxed eval against a server", () => {
  let fake: FakeServer;
  let keyed: FakeServer;
  let malformed: FakeServer;
  beforeAll(async () => {
    [fake, keyed, malformed] = await Promise.all([
      startFakeServer({ latencyMs: 5 }),
      startFakeServer({ apiKey: "right-key" }),
      startFakeServer({ alwaysMalformed: true }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fake.close(), keyed.close(), malformed.close()]);
  });
  const base = (url: string, out: string) => [
    "eval",
    "--data",
    problemsFile,
    "--base-url",
    url,
    "--model",
    "fake",
    "--out",
    join(folder, out),
    "--no-progress",
    "--workers",
    "1",
  ];

  it("--dry-run prints the plan without contacting the server", async () => {
    const before = fake.log.length;
    const result = await runCli([
      ...base(fake.url, "dry"),
      "--n",
      "4",
      "--samples-per-request",
      "2",
      "--dry-run",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("plan: problems (3 problems) × n=4");
    expect(result.stdout).toContain("0 stored and reused, 12 to request in 6 requests");
    expect(result.stdout).toContain('"role":"system"');
    expect(fake.log.length).toBe(before);
  });

  it("evaluates, reuses stored samples when n is raised, and rescoring samples.jsonl offline agrees", async () => {
    const first = await runCli([...base(fake.url, "grow"), "--n", "2", "--seed", "1"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/pass@2\s+\d\.\d{3}/);
    const requests = fake.log.length;
    const second = await runCli([...base(fake.url, "grow"), "--n", "4", "--seed", "1"]);
    expect(second.code, second.stderr).toBe(0);
    expect(fake.log.slice(requests).map((entry) => entry.n)).toEqual([2, 2, 2]); // only samples 2–3 of each problem
    const results: EvalResults = JSON.parse(readFileSync(join(folder, "grow", "results.json"), "utf8"));
    expect(results.benchmarks.problems.n).toBe(4);
    expect(results.schemaVersion).toBe(1);
    const rescored = await runCli([
      "eval",
      "--samples",
      join(folder, "grow", "samples.jsonl"),
      "--out",
      join(folder, "rescored"),
      "--workers",
      "1",
    ]);
    expect(rescored.code, rescored.stderr).toBe(0);
    const again: EvalResults = JSON.parse(readFileSync(join(folder, "rescored", "results.json"), "utf8"));
    expect(again.benchmarks.problems.metrics).toEqual(results.benchmarks.problems.metrics);
  });

  it.each([
    [
      ["eval", "--benchmark", "aime23", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--out", "x"],
      /unknown benchmark "aime23"; known benchmarks: aime24/,
    ],
    [
      [
        "eval",
        "--benchmark",
        "aime24",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--model",
        "m",
        "--out",
        join(folder, "down"),
      ],
      /cannot reach server http:\/\/127\.0\.0\.1:9\/v1/,
    ],
  ])("bad input %#: a clear message, fast", async (args, message) => {
    const started = Date.now();
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("bad input: a base URL without /v1 fails the preflight with a hint, and earlier results stay", async () => {
    const first = await runCli([...base(fake.url, "no-v1"), "--n", "2"]);
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(join(folder, "no-v1", "results.json"), "utf8");
    const result = await runCli([...base(fake.url.replace(/\/v1$/, ""), "no-v1"), "--n", "4"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /HTTP 404.*serve under \/v1: is --base-url missing it \(e\.g\. http:\/\/127\.0\.0\.1:\d+\/v1\)/,
    );
    expect(readFileSync(join(folder, "no-v1", "results.json"), "utf8")).toBe(before);
  });

  it("per-sample tokens: estimates with n > 1 are marked; --return-token-ids counts each choice; rescoring keeps both", async () => {
    const uneven = await startFakeServer({ unevenTokens: true });
    try {
      const read = (out: string): SampleRecord[] =>
        readFileSync(join(folder, out, "samples.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line));
      const shared = await runCli([...base(uneven.url, "tokens-shared"), "--n", "4"]);
      expect(shared.code, shared.stderr).toBe(0);
      expect(shared.stdout).toContain("estimated for 12 of 12 samples");
      expect(read("tokens-shared").every((record) => record.usage.estimated === true)).toBe(true);
      const counted = await runCli([...base(uneven.url, "tokens-counted"), "--n", "4", "--return-token-ids"]);
      expect(counted.code, counted.stderr).toBe(0);
      expect(counted.stdout).not.toContain("estimated for");
      const exact = read("tokens-counted");
      // The fake spends 12 + 2·(answer mod 4) tokens per choice: each sample carries its own count.
      for (const record of exact) {
        expect(record.usage.estimated).toBeUndefined();
        expect(record.usage.completionTokens).toBe(12 + 2 * (Number(record.predicted) % 4));
      }
      const rescored = await runCli([
        "eval",
        "--samples",
        join(folder, "tokens-shared", "samples.jsonl"),
        "--out",
        join(folder, "tokens-rescored"),
        "--workers",
        "1",
      ]);
      expect(rescored.code, rescored.stderr).toBe(0);
      expect(read("tokens-rescored").map((record) => record.usage)).toEqual(
        read("tokens-shared").map((record) => record.usage),
      );
      expect(rescored.stdout).toContain("estimated for 12 of 12 samples");
    } finally {
      await uneven.close();
    }
  });

  it("bad input: a wrong API key is named as such", async () => {
    const result = await runCli([...base(keyed.url, "key"), "--api-key", "wrong"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rejected the API key/);
  });

  it("bad input: malformed server JSON is reported as server errors, not wrong answers, and outputs are still written", async () => {
    const result = await runCli([...base(malformed.url, "malformed"), "--retries", "1"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/3 requests \(3 samples\) failed \(first: .*malformed JSON/);
    const results: EvalResults = JSON.parse(readFileSync(join(folder, "malformed", "results.json"), "utf8"));
    expect(results.benchmarks.problems).toMatchObject({ errors: 3, samples: 0, problemsWithoutSamples: 3 });
  });

  it("bad input: a dataset row without an answer names the row and the field", async () => {
    const broken = join(folder, "broken.jsonl");
    writeFileSync(broken, '{"problem":"Q","answer":"1"}\n{"problem":"Q2","solution":"x"}\n');
    const result = await runCli([
      "eval",
      "--data",
      broken,
      "--base-url",
      fake.url,
      "--model",
      "fake",
      "--out",
      join(folder, "broken"),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /broken\.jsonl: row 2 has no answer in field "answer" \(set --answer-field\)/,
    );
  });
});
