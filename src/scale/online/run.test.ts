import { afterEach, describe, expect, it } from "vitest";
import { OpenAIClient } from "../../sample/client.js";
import { type FakeUpstream, startFakeUpstream } from "../serve/test-helpers/fake-upstream.js";
import { createStrategy } from "../strategies/registry.js";
import { type LiveSampler, runStrategy } from "./run.js";

let upstream: FakeUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

const sampler =
  (url: string, topLogprobs = 0): LiveSampler =>
  (_index, signal, onToken) =>
    new OpenAIClient({ baseUrls: [url], maxRetries: 0 }).streamChat(
      [],
      { model: "fake", ...(topLogprobs > 0 && { topLogprobs }) },
      { signal, onToken },
    );

describe("runStrategy", () => {
  it("DeepConf online aborts traces whose group confidence falls below the warm-up threshold", async () => {
    // Fake top-2 log-probs [l, l−2] give C = 1 − l: warm-up traces C = 4, later ones C = 1.1.
    upstream = await startFakeUpstream({
      respond: () => `${"think ".repeat(30)}\\boxed{5}`,
      topLogprob: (index) => (index < 2 ? -3 : -0.1),
    });
    const result = await runStrategy({
      strategy: createStrategy("maj@5"),
      sample: sampler(upstream.url, 2),
      parallel: 1,
      deepConf: { warmup: 2, keep: 0.9, window: 4 },
    });
    expect(result.samplesUsed).toBe(5);
    expect(result.cancelled).toBe(3);
    expect(result.votes).toEqual([{ answer: "5", weight: 2 }]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the upstream see the last close
    expect(upstream.stats.aborted).toBe(3);
    // Each aborted trace stopped right after its first full window.
    expect(upstream.stats.tokensSent).toBeLessThan(2 * 31 + 3 * 8);
  });

  it("an upstream error rejects the run with the upstream's message", async () => {
    upstream = await startFakeUpstream({ garbage: "oops" });
    await expect(
      runStrategy({ strategy: createStrategy("maj@2"), sample: sampler(upstream.url) }),
    ).rejects.toThrow(/without a server-sent event stream: oops/);
  });
});
