import { describe, expect, it } from "vitest";
import type { Problem } from "../../data/types.js";
import { resolveAlgorithms } from "./algorithms.js";
import { parseTrainConfig } from "./config.js";
import type { LoopState } from "./loop-state.js";
import { chooseProblems, recordPassRates } from "./selection.js";
import type { SampledGroup } from "./types.js";

const problem = (question: string): Problem => ({ id: question, benchmark: "t", question, answer: "1" });

describe("curriculum (data.curriculum)", () => {
  it("prefers prompts at the frontier: p = ½ over solved and hopeless ones", () => {
    const config = parseTrainConfig({ out: "r", data: { curriculum: { candidates: 3, floor: 0 } } });
    const state: LoopState = {
      passRates: { solved: { passRate: 1, attempts: 8 }, hopeless: { passRate: 0, attempts: 8 } },
    };
    const candidates = [problem("solved"), problem("frontier"), problem("hopeless")];
    const chosen = chooseProblems(config, state, (count) => candidates.slice(0, count), 1, [1, 0]);
    expect(chosen.map((p) => p.question)).toEqual(["frontier"]);
    const without = parseTrainConfig({ out: "r" });
    expect(chooseProblems(without, state, (count) => candidates.slice(0, count), 1, [1, 0])).toEqual([
      candidates[0],
    ]);
  });

  it("still returns `count` problems when the candidates repeat", () => {
    const config = parseTrainConfig({ out: "r", data: { curriculum: {} } });
    const chosen = chooseProblems(
      config,
      {},
      (count) => Array.from({ length: count }, () => problem("only")),
      3,
      [1, 0],
    );
    expect(chosen.map((p) => p.question)).toEqual(["only", "only", "only"]);
  });

  it("folds each group's pass rate into the state", () => {
    const config = parseTrainConfig({ out: "r", data: { curriculum: { decay: 0.5 } } });
    const sample = (correct: boolean) => ({
      tokens: [1],
      logprobs: [0],
      stopReason: "stop" as const,
      text: "",
      correct,
      rewardTerms: {},
      reward: 0,
    });
    const group: SampledGroup = {
      problem: problem("q"),
      promptTokens: [1],
      samples: [sample(true), sample(false)],
    };
    const state: LoopState = {};
    recordPassRates(config, state, [group]);
    recordPassRates(config, state, [{ ...group, samples: [sample(true), sample(true)] }]);
    expect(state.passRates?.q).toEqual({ passRate: 0.75, attempts: 4 });
  });
});

describe("HAPO history (rewards: hapo)", () => {
  it("rewards 0 before a correct response, then lengths relative to the shortest correct one", () => {
    const config = parseTrainConfig({ out: "r", rewards: [{ name: "hapo" }] });
    const algorithms = resolveAlgorithms(config);
    const state: LoopState = {};
    const facts = (length: number, correct = true) => ({
      problem: problem("q"),
      text: "",
      correct,
      length,
      stopReason: "stop" as const,
    });
    expect(algorithms.rewarder([facts(2)], state)[0].total).toBe(0);
    const sample = {
      tokens: [1, 2, 3, 4],
      logprobs: [0, 0, 0, 0],
      stopReason: "stop" as const,
      text: "",
      correct: true,
      rewardTerms: {},
      reward: 0,
    };
    algorithms.recordRewardHistory({ problem: problem("q"), promptTokens: [1], samples: [sample] }, state);
    expect(state.hapoHistory).toEqual({ q: 4 });
    expect(algorithms.rewarder([facts(2)], state)[0].total).toBeCloseTo(Math.cos(Math.PI / 4), 12);
  });
});
