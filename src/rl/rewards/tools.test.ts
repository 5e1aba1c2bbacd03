import { describe, expect, it } from "vitest";
import { composeRewards } from "./registry.js";

const sample = (tools?: { calls: number; errors: number; voidTurns: number }) => ({
  correct: true,
  responseLength: 10,
  finishReason: "stop",
  text: "",
  ...(tools && { tools }),
});

describe("tool rewards", () => {
  it("penalise failed runs by their share and void turns by −1", () => {
    const group = [
      sample({ calls: 2, errors: 1, voidTurns: 0 }),
      sample({ calls: 0, errors: 0, voidTurns: 1 }),
      sample({ calls: 1, errors: 0, voidTurns: 0 }),
    ];
    const { terms } = composeRewards(group, [{ reward: "tool_error" }, { reward: "void_turn" }]);
    expect(terms.tool_error.map((value) => value + 0)).toEqual([-0.5, 0, 0]);
    expect(terms.void_turn).toEqual([0, -1, 0]);
  });

  it("score a response without tool facts (no code ran) 0", () => {
    const { terms } = composeRewards([sample()], [{ reward: "tool_error" }, { reward: "void_turn" }]);
    expect(terms).toEqual({ tool_error: [0], void_turn: [0] });
  });
});
