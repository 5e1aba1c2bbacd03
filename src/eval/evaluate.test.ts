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

describe("runEvaluation", () => {
  it("on a fatal server error stops sampling, still writes results from the stored samples, then rethrows", async () => {
    const out = mkdtempSync(join(tmpdir(), "boxed-evaluate-"));
    const sampler = stubSampler();
    const run = runEvaluation({
      benchmarks: [{ name: "t", problems }],
      sampler,
      storePath: join(out, "samples.sqlite"),
      scope: { model: "m", configHash: "h" },
      template: getPromptTemplate("plain"),
      mode: "chat",
      n: 2,
      samplesPerRequest: 2,
      concurrency: 1,
      progress: false,
      scoring: { grader, equivalent: (a, b) => a === b, config: { model: "m" }, out },
    });
    await expect(run).rejects.toThrow(/HTTP 401: bad key/);
    expect(sampler.calls).toEqual(["0:0+2", "1:0+2", "2:0+2"]); // nothing after the fatal error
    const results: EvalResults = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results.benchmarks.t).toMatchObject({ problems: 4, samples: 4, n: 2, problemsWithoutSamples: 2 });
    expect(results.benchmarks.t.metrics["pass@1"]).toBe(0.5);
    expect(existsSync(join(out, "report.html"))).toBe(true);
  });
});
