import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getPromptTemplate } from "../data/prompts.js";
import type { Sampler } from "../sample/openai-sampler.js";
import { SampleError } from "../sample/retry.js";
import type { Sample } from "../sample/types.js";
import { runEvaluation } from "./evaluate.js";
import type { EvalResults } from "./results.js";

const problems = Array.from({ length: 4 }, (_, id) => ({
  id: String(id),
  benchmark: "t",
  question: `Q${id}`,
  answer: "7",
}));
const grader = async (items: { gold: string; response: string }[]) =>
  items.map((item) => {
    const predicted = /\\boxed\{(\d+)\}/.exec(item.response)?.[1] ?? null;
    return {
      correct: predicted === item.gold,
      reason: "equivalent" as const,
      predicted,
      gold: item.gold,
      ruleFired: "boxed",
      ms: 0,
    };
  });

/** Answers problems 0–1 (\boxed{7}, then \boxed{3}) and fails fatally (as a 401 would) from problem 2 on. */
function stubSampler(): Sampler & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async sample(request, onSample) {
      calls.push(`${request.problemId}:${request.firstIndex}+${request.n}`);
      if (Number(request.problemId) >= 2) throw new SampleError("HTTP 401: bad key", true, 401);
      return Array.from({ length: request.n }, (_, offset): Sample => {
        const sample: Sample = {
          problemId: request.problemId,
          index: request.firstIndex + offset,
          text: `\\boxed{${offset === 0 ? 7 : 3}}`,
          finishReason: "stop",
          usage: { promptTokens: 1, completionTokens: 5 },
        };
        onSample?.(sample);
        return sample;
      });
    },
  };
}

function options(out: string, sampler: Sampler, n = 2) {
  return {
    benchmarks: [{ name: "t", problems }],
    sampler,
    storePath: join(out, "samples.sqlite"),
    scope: { model: "m", configHash: "h" },
    template: getPromptTemplate("plain"),
    mode: "chat" as const,
    n,
    samplesPerRequest: 2,
    concurrency: 1,
    progress: false,
    scoring: { grader, equivalent: (a: string, b: string) => a === b, config: { model: "m" }, out },
  };
}

describe("runEvaluation", () => {
  it("on a fatal server error stops sampling, counts and lists every missing request, still writes results", async () => {
    const out = mkdtempSync(join(tmpdir(), "boxed-evaluate-"));
    const sampler = stubSampler();
    const outcome = await runEvaluation(options(out, sampler));
    expect(outcome.fatal?.message).toMatch(/HTTP 401: bad key/);
    expect(sampler.calls).toEqual(["0:0+2", "1:0+2", "2:0+2"]); // nothing after the fatal error
    // The failed request and the one never sent are both listed; their 4 samples are server errors.
    expect(outcome.failures.map((failure) => [failure.problemId, failure.message])).toEqual([
      ["2", "HTTP 401: bad key"],
      ["3", "not sent: the run stopped at HTTP 401: bad key"],
    ]);
    const results: EvalResults = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results.benchmarks.t).toMatchObject({
      problems: 4,
      samples: 4,
      n: 2,
      errors: 4,
      problemsWithoutSamples: 2,
    });
    expect(results.benchmarks.t.failures).toHaveLength(2);
    expect(results.benchmarks.t.metrics["pass@1"]).toBe(0.5);
    expect(existsSync(join(out, "report.html"))).toBe(true);
  });

  it("a run whose requests all fail keeps the earlier results (e.g. --n raised against a wrong URL)", async () => {
    const out = mkdtempSync(join(tmpdir(), "boxed-evaluate-"));
    const good: Sampler = {
      async sample(request, onSample) {
        return Array.from({ length: request.n }, (_, offset): Sample => {
          const sample: Sample = {
            problemId: request.problemId,
            index: request.firstIndex + offset,
            text: "\\boxed{7}",
            finishReason: "stop",
            usage: { promptTokens: 1, completionTokens: 5 },
          };
          onSample?.(sample);
          return sample;
        });
      },
    };
    expect((await runEvaluation(options(out, good))).written).toBe(true);
    const before = readFileSync(join(out, "results.json"), "utf8");
    const down: Sampler = {
      async sample() {
        throw new SampleError("HTTP 404: Not Found; OpenAI-compatible servers serve under /v1", true, 404);
      },
    };
    const outcome = await runEvaluation(options(out, down, 4));
    expect(outcome.written).toBe(false);
    expect(outcome.failures.reduce((sum, failure) => sum + failure.count, 0)).toBe(8);
    expect(outcome.results.benchmarks.t?.errors).toBe(8);
    expect(readFileSync(join(out, "results.json"), "utf8")).toBe(before);
  });
});
