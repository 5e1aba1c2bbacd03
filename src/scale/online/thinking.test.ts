import { describe, expect, it } from "vitest";
import { aggregateSubThoughts, subThoughtPrefixes } from "./sub-thoughts.js";
import type { TextCompleter, TextRequest } from "./text-completer.js";
import { budgetForcing, reflectionLogitBias } from "./thinking-budget.js";

/** A mock completer that records each request and answers from a script. */
function scripted(
  answer: (request: TextRequest, call: number) => { text: string; tokens: number; length?: boolean },
) {
  const calls: TextRequest[] = [];
  const complete: TextCompleter = async (request) => {
    const { text, tokens, length } = answer(request, calls.length);
    calls.push(request);
    return {
      text,
      finishReason: length ? "length" : "stop",
      usage: { promptTokens: 1, completionTokens: tokens },
    };
  };
  return { complete, calls };
}

describe("budget forcing (s1)", () => {
  it("caps thinking, closes it and forces the answer", async () => {
    const { complete, calls } = scripted((_, call) =>
      call === 0 ? { text: "long thought", tokens: 50, length: true } : { text: "7", tokens: 1 },
    );
    const result = await budgetForcing({ complete, prompt: "Q<think>", maxThinkingTokens: 50 });
    expect(calls[0]).toMatchObject({ prompt: "Q<think>", maxTokens: 50, stop: ["</think>"] });
    expect(calls[1]?.prompt).toBe("Q<think>long thought</think>\n\nFinal Answer: ");
    expect(result).toMatchObject({
      forcedEnd: true,
      waits: 0,
      thinkingTokens: 50,
      text: "long thought</think>\n\nFinal Answer: 7",
    });
    expect(result.usage).toEqual({ promptTokens: 2, completionTokens: 51 });
  });

  it("extends a short thought with Wait, within the budget left", async () => {
    const { complete, calls } = scripted((_, call) =>
      call < 2 ? { text: `t${call}`, tokens: 10 } : { text: " answer", tokens: 2 },
    );
    const result = await budgetForcing({
      complete,
      prompt: "Q",
      maxThinkingTokens: 100,
      minThinkingTokens: 15,
      maxWaits: 2,
    });
    expect(calls[1]).toMatchObject({ prompt: "Qt0 Wait,", maxTokens: 90 });
    expect(result).toMatchObject({ waits: 1, forcedEnd: false, text: "t0 Wait,t1</think> answer" });
  });

  it("rejects a bad budget", async () => {
    const { complete } = scripted(() => ({ text: "", tokens: 0 }));
    await expect(budgetForcing({ complete, prompt: "", maxThinkingTokens: 0 })).rejects.toThrow(
      /maxThinkingTokens/,
    );
  });
});

describe("reflection suppression", () => {
  it("forbids the first token of each cue", () => {
    const encode = (text: string) => [...text].map((character) => character.charCodeAt(0));
    expect(reflectionLogitBias(encode, ["Wait", " Hmm"])).toEqual({ "87": -100, "32": -100 });
  });
});

describe("sub-thought aggregation", () => {
  it("cuts at cue words and votes over the continuations", async () => {
    const trace = "x=2. Wait, x=3. Alternatively x=3.";
    expect(subThoughtPrefixes(trace)).toEqual(["x=2. ", "x=2. Wait, x=3. ", trace]);
    const { complete, calls } = scripted((request) => ({
      text: request.prompt.includes("x=3") ? "3}" : "2}",
      tokens: 2,
    }));
    const result = await aggregateSubThoughts({ complete, prompt: "Q ", trace });
    expect(calls).toHaveLength(3);
    expect(calls[0]?.prompt).toBe("Q x=2. \n</think>\n\nThe final answer is \\boxed{");
    expect(result).toMatchObject({ answer: "3", answers: ["2", "3", "3"], usage: { completionTokens: 6 } });
  });
});
