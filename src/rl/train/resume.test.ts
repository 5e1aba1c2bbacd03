import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../../../test/helpers/cli.js";
import { readJsonLines } from "./run-files.js";

const MODEL = join(REPO_ROOT, "assets", "demo", "model");
const CLI = join(REPO_ROOT, "src", "cli", "main.ts");
/** Wall-clock fields differ between any two runs; everything else must match exactly. */
const TIMING = new Set([
  "samplingSeconds",
  "gradingSeconds",
  "trainingSeconds",
  "stepSeconds",
  "tokensPerSecond",
]);

/** Enough steps that the kill (polled every 50 ms once step 2 is checkpointed) lands before the end on a fast machine. */
const STEPS = 8;

function trainArguments(out: string): string[] {
  return [
    "train",
    "--out",
    out,
    "--model",
    MODEL,
    "--steps",
    String(STEPS),
    "--prompts-per-step",
    "4",
    "--group-size",
    "4",
    "--set",
    "data.difficulty=2",
    "--set",
    "sampling.maxTokens=5",
    "--set",
    "evaluation.problems=0",
    "--set",
    "checkpointEvery=1",
  ];
}

function withoutTiming(rows: Record<string, number>[]): Record<string, number>[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !TIMING.has(key))));
}

/** Starts `boxed train` and SIGKILLs it as soon as the checkpoint of step 2 exists. */
function trainUntilKilled(out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...trainArguments(out)], {
      cwd: REPO_ROOT,
      stdio: "ignore",
    });
    const latest = join(out, "checkpoints", "latest.json");
    const timer = setInterval(() => {
      if (existsSync(latest) && JSON.parse(readFileSync(latest, "utf8")).step >= 2) child.kill("SIGKILL");
    }, 50);
    child.on("error", reject);
    child.on("exit", () => {
      clearInterval(timer);
      resolve();
    });
  });
}

describe("boxed train --resume", () => {
  it("continues after a SIGKILL with the same next-step metrics as an uninterrupted run", async () => {
    const root = mkdtempSync(join(tmpdir(), "boxed-resume-"));
    const straight = join(root, "straight");
    const killed = join(root, "killed");
    const [uninterrupted] = await Promise.all([runCli(trainArguments(straight)), trainUntilKilled(killed)]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const partial = readJsonLines<Record<string, number>>(join(killed, "metrics.jsonl"));
    const checkpointed = JSON.parse(readFileSync(join(killed, "checkpoints", "latest.json"), "utf8")).step;
    expect(checkpointed).toBeGreaterThanOrEqual(2);
    expect(partial.length).toBeGreaterThanOrEqual(checkpointed);
    expect(partial.length).toBeLessThan(STEPS);
    const resumed = await runCli([...trainArguments(killed), "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resumed from the checkpoint of step ${checkpointed}`);
    const expected = withoutTiming(readJsonLines(join(straight, "metrics.jsonl")));
    const actual = withoutTiming(readJsonLines(join(killed, "metrics.jsonl")));
    expect(actual.map((row) => row.step)).toEqual(Array.from({ length: STEPS }, (_, index) => index + 1));
    expect(actual).toEqual(expected);
  }, 240_000);
});
