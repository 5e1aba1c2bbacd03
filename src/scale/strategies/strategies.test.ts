import { describe, expect, it } from "vitest";
import { betaStopProbability, dirichletStopProbability } from "./adaptive-consistency.js";
import {
  confidenceThreshold,
  groupConfidences,
  RunningGroupConfidence,
  traceConfidence,
} from "./confidence.js";
import { createStrategy, parseStrategySpec } from "./registry.js";
import type { Trace } from "./types.js";

const trace = (cluster: number, features: Record<string, number> = {}): Trace => ({
  cluster,
  tokens: 10,
  features,
});
const traces = (clusters: number[]) => clusters.map((cluster) => trace(cluster));

describe("strategy registry", () => {
  it("parses specs with parameters", () => {
    expect(parseStrategySpec("esc@8,window=2")).toEqual({
      name: "esc",
      budget: 8,
      parameters: { window: "2" },
    });
  });
  it.each([
    ["nope@8", /unknown strategy "nope" \(known: pass, maj/],
    ["maj", /expected name@budget/],
    ["maj@0", /budget must be in/],
    ["esc@8,size=2", /unknown parameter "size"/],
    ["early@8,share=2", /share: must be a number in \[0, 1\]/],
    ["vote@8,weight=magic", /weight: must be one of/],
  ])("rejects %s", (spec, message) => {
    expect(() => createStrategy(spec)).toThrow(message);
  });
});

describe("voting", () => {
  it("majority picks the most common cluster and reports ties", () => {
    expect(createStrategy("maj@5").select(traces([0, 1, 1, -1, 0]))).toEqual([0, 1]);
    expect(createStrategy("maj@5").select(traces([0, 1, 1, 2, 0, 1]))).toEqual([1]);
  });
  it("reward weights can overturn a majority; best-of-N follows the single best trace", () => {
    const pool = [trace(0, { reward: -3 }), trace(0, { reward: -3 }), trace(1, { reward: 4 })];
    expect(createStrategy("maj@3").select(pool)).toEqual([0]);
    expect(createStrategy("vote@3,weight=reward").select(pool)).toEqual([1]);
    expect(createStrategy("best@3,score=reward").select(pool)).toEqual([1]);
  });
  it("a weighted strategy on traces without the feature throws, naming it", () => {
    expect(() => createStrategy("vote@2,weight=reward").select(traces([0, 1]))).toThrow(
      /no feature "reward"/,
    );
  });
  it("deepconf keeps the top fraction by confidence, then votes by confidence", () => {
    const pool = [0, 0, 0, 1].map((cluster, index) =>
      trace(cluster, { lowestGroupConfidence: cluster === 1 ? 9 : 1 + index * 0.1 }),
    );
    expect(createStrategy("deepconf@4,keep=0.25").select(pool)).toEqual([1]);
    expect(createStrategy("deepconf@4,keep=1").select(pool)).toEqual([1]); // 9 > 1+1.1+1.2
  });
});

describe("stopping rules", () => {
  it("ESC stops only on a unanimous window", () => {
    const esc = createStrategy("esc@8,window=2");
    expect(esc.stop(traces([0]))).toBeNull();
    expect(esc.stop(traces([0, 1]))).toBeNull();
    expect(esc.stop(traces([0, 1, 1]))).toBeNull();
    expect(esc.stop(traces([0, 1, 1, 1]))).toBe("window-agreed");
  });
  it("early stopping by margin and by share", () => {
    expect(createStrategy("early@8,margin=2").stop(traces([0, 0]))).toBe("margin-reached");
    expect(createStrategy("early@8,margin=2").stop(traces([0, 1, 0]))).toBeNull();
    expect(createStrategy("early@8,share=0.7").stop(traces([0, 0, 1]))).toBeNull();
    expect(createStrategy("early@8,share=0.6").stop(traces([0, 0, 1]))).toBe("share-reached");
    expect(createStrategy("early@3,share=1").stop(traces([0, 1, 2]))).toBe("budget");
  });
  it("the Beta rule equals P(Binomial(v1+v2+1, ½) ≤ v1)", () => {
    expect(betaStopProbability(3, 0)).toBeCloseTo(15 / 16, 12);
    expect(betaStopProbability(4, 0)).toBeCloseTo(31 / 32, 12);
    expect(betaStopProbability(2, 1)).toBeCloseTo(11 / 16, 12);
    const ac = createStrategy("ac@16");
    expect(ac.stop(traces([0, 0, 0]))).toBeNull();
    expect(ac.stop(traces([0, 0, 0, 0]))).toBe("confident");
  });
  it("the Dirichlet rule agrees with the Beta rule on two answers and falls with more rivals", () => {
    expect(dirichletStopProbability([4, 1])).toBeCloseTo(betaStopProbability(4, 1), 1);
    expect(dirichletStopProbability([4, 1, 1])).toBeLessThan(dirichletStopProbability([4, 1]));
  });
});

describe("DeepConf confidence", () => {
  it("group confidence is the sliding mean of token confidences", () => {
    expect(groupConfidences([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
  });
  it("trace features: lowest group, tail, mean", () => {
    const steps = [
      [-1, -3],
      [-0.5, -1.5],
      [-4, -6],
    ]; // token confidences 2, 1, 5
    const features = traceConfidence(steps, { window: 2, tail: 1 });
    expect(features.lowestGroupConfidence).toBe(1.5);
    expect(features.tailConfidence).toBe(5);
    expect(features.meanConfidence).toBeCloseTo(8 / 3, 12);
  });
  it("only full windows count; a trace shorter than a window is one group", () => {
    expect(traceConfidence([[-9], [-1], [-1]], { window: 2 }).lowestGroupConfidence).toBe(1);
    expect(traceConfidence([[-3], [-1], [-2]], { window: 4 }).lowestGroupConfidence).toBe(2);
  });
  it("the streaming monitor matches the batch computation", () => {
    const monitor = new RunningGroupConfidence(2);
    const groups = [[-2], [-1], [-5], [-3]].map((step) => monitor.push(step));
    expect(groups).toEqual(groupConfidences([2, 1, 5, 3], 2));
    expect(monitor.lowestGroup).toBe(1.5);
  });
  it("threshold keeps the top fraction of warm-up traces", () => {
    expect(confidenceThreshold([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(confidenceThreshold([1, 2, 3, 4, 5], 1)).toBe(1);
  });
});

describe("declared feature needs", () => {
  it("each strategy lists the trace features it reads; log-prob needs follow from them, not from names", async () => {
    const { createStrategy } = await import("./registry.js");
    const { needsLogprobs } = await import("./weights.js");
    const table: [string, string[], boolean][] = [
      ["maj@8", [], false],
      ["esc@8,window=2", [], false],
      ["ac@8", [], false],
      ["vote@8,weight=reward", ["reward"], false],
      ["best@8,score=reward", ["reward"], false],
      ["vote@8,weight=tail", ["tailConfidence"], true],
      ["deepconf@8", ["lowestGroupConfidence"], true],
      ["early@8,weight=logprob", ["meanLogprob"], true],
    ];
    for (const [spec, features, logprobs] of table) {
      const strategy = createStrategy(spec);
      expect(strategy.features, spec).toEqual(features);
      expect(needsLogprobs(strategy), spec).toBe(logprobs);
    }
  });
});
