import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../../test/helpers/cli.js";
import { type FakeServer, startFakeServer } from "../sample/test-helpers/fake-openai-server.js";
import type { EvalResults } from "./results.js";

const folder = mkdtempSync(join(tmpdir(), "boxed-crash-"));
const problemsFile = join(folder, "problems.jsonl");
writeFileSync(
  problemsFile,
  Array.from({ length: 12 }, (_, id) =>
    JSON.stringify({ id, problem: `Q${id}`, answer: String(id % 5) }),
  ).join("\n"),
);
const SEED = 100;
const servers: FakeServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const args = (url: string, out: string) => [
  "eval",
  "--data",
  problemsFile,
  "--base-url",
  url,
  "--model",
  "fake",
  "--n",
  "4",
  "--samples-per-request",
  "1",
  "--seed",
  String(SEED),
  "--concurrency",
  "2",
  "--retries",
  "30",
  "--workers",
  "1",
  "--no-progress",
  "--out",
  out,
];

/** (question, sample index) of every sample the store holds. */
function storedKeys(out: string): Set<string> {
  const database = new Database(join(out, "samples.sqlite"), { readonly: true });
  const rows = database.prepare("SELECT problem_id, sample_index FROM samples").all() as {
    problem_id: string;
    sample_index: number;
  }[];
  database.close();
  return new Set(rows.map((row) => `Q${row.problem_id}#${row.sample_index}`));
}

describe("crash safety", () => {
  it("a run killed with SIGKILL resumes without re-requesting stored samples, with metrics identical to an uninterrupted run", async () => {
    const faults = { rateLimited: 0.08, serverError: 0.08, dropped: 0.05, slow: 0.05 };
    const faulty = await startFakeServer({ latencyMs: 120, slowMs: 400, faults, seed: 9 });
    const clean = await startFakeServer({ latencyMs: 1 });
    servers.push(faulty, clean);
    const out = join(folder, "killed");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), ...args(faulty.url, out)],
      { cwd: REPO_ROOT, stdio: "ignore" },
    );
    const exited = new Promise((resolve) => child.on("exit", resolve));
    while (faulty.log.filter((entry) => entry.outcome === "ok").length < 16)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGKILL");
    await exited;
    const storedAfterKill = storedKeys(out);
    expect(storedAfterKill.size).toBeGreaterThan(10);
    expect(storedAfterKill.size).toBeLessThan(48);

    // Requests in flight at the kill still finish on the server side (into a closed socket); let them.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const firstRunRequests = faulty.log.length;
    const resumed = await runCli(args(faulty.url, out));
    expect(resumed.code, resumed.stderr).toBe(0);
    const secondRun = faulty.log.slice(firstRunRequests).filter((entry) => entry.outcome === "ok");
    const requestedAgain = secondRun.map((entry) => `${entry.prompt}#${(entry.seed as number) - SEED}`);
    expect(requestedAgain.filter((key) => storedAfterKill.has(key))).toEqual([]); // zero duplicate requests
    expect(new Set(requestedAgain).size).toBe(requestedAgain.length);
    expect(storedAfterKill.size + requestedAgain.length).toBe(48);
    const outcomes = new Set(faulty.log.map((entry) => entry.outcome));
    for (const fault of ["429", "500", "dropped"] as const) expect(outcomes.has(fault), fault).toBe(true);

    const uninterrupted = join(folder, "uninterrupted");
    const reference = await runCli(args(clean.url, uninterrupted));
    expect(reference.code, reference.stderr).toBe(0);
    const read = (dir: string): EvalResults => JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    const [resumedResults, referenceResults] = [
      read(out).benchmarks.problems,
      read(uninterrupted).benchmarks.problems,
    ];
    expect(resumedResults.metrics).toEqual(referenceResults.metrics);
    expect(resumedResults.perProblem).toEqual(referenceResults.perProblem);
    expect(resumedResults.samples).toBe(48);
  });
});
