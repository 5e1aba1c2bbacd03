import { describe, expect, it } from "vitest";
import { parseTrainConfig } from "../config.js";
import { toolsProblems } from "./runtime.js";

describe("tools in the train config", () => {
  it("defaults the format and limits, and rejects unknown keys and non-text formats", () => {
    const config = parseTrainConfig({ out: "x", tools: { name: "python" } });
    expect(config.tools).toMatchObject({
      format: "qwen-tir",
      maxCalls: 2,
      timeout: 10,
      maskVoidTurns: false,
    });
    expect(() => parseTrainConfig({ out: "x", tools: { name: "python", maxCall: 3 } })).toThrow(/maxCall/);
    expect(() => parseTrainConfig({ out: "x", tools: { name: "python", format: "openai" } })).toThrow(
      /text format \(known: qwen-tir, code-interpreter\)/,
    );
    expect(() => parseTrainConfig({ out: "x", tools: { name: "bash" } })).toThrow(/tools.name/);
  });

  it("refuses tool rewards without tools and tools on inference-server rollouts", () => {
    const noTools = parseTrainConfig({ out: "x", rewards: [{ name: "correctness" }, { name: "void_turn" }] });
    expect(toolsProblems(noTools)).toEqual([expect.stringMatching(/"void_turn" reads tool use/)]);
    const remote = parseTrainConfig({
      out: "x",
      tools: { name: "python" },
      rollout: { backend: "openai", baseUrls: ["http://127.0.0.1:1/v1"] },
    });
    expect(toolsProblems(remote)).toEqual([expect.stringMatching(/rollout.backend "engine"/)]);
  });
});
