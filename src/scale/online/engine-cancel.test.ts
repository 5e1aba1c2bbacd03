/**
 * Cancelled requests stop consuming the engine's time. A strategy that stops at its first finished sample
 * (`early@8,share=0.5,min=1`, every answer made equal) streams 8 samples from the real engine (tiny preset)
 * through `OpenAIClient.streamChat`; when it stops, the other 7 streams are aborted. The engine's
 * `/info` counter `generated_tokens` (tokens sampled since start) must then stop growing, and the tokens
 * it spent beyond the finished samples must be a small part of what the same 7 requests cost when they
 * run to the end (measured first, with the same seeds, by `maj@8`, which never stops early).
 */
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEngine, startEngine } from "../../engine/process.js";
import { tinyModel } from "../../engine/test-helpers/tiny-model.js";
import type { StreamedCompletion } from "../../sample/chat-stream.js";
import { OpenAIClient } from "../../sample/client.js";
import { createStrategy } from "../strategies/registry.js";
import { runStrategy } from "./run.js";

const SAMPLES = 8;
const MAX_TOKENS = 300;

describe("cancellation against the streaming engine (tiny preset)", () => {
  let engine: RunningEngine;
  let modelDirectory: string;

  beforeAll(async () => {
    modelDirectory = await tinyModel(0);
    engine = await startEngine({ model: modelDirectory, seed: 0, threads: 1 });
  }, 300_000);

  afterAll(async () => {
    await engine?.stop();
  });

  async function generatedTokens(): Promise<number> {
    const info = (await (
      await fetch(`${engine.url}/info`, { headers: { authorization: `Bearer ${engine.token}` } })
    ).json()) as { generated_tokens: number };
    return info.generated_tokens;
  }

  /** The counter once it has not changed for 300 ms (aborted requests may still be winding down). */
  async function settledTokens(): Promise<number> {
    let last = await generatedTokens();
    for (let same = 0; same < 6; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = await generatedTokens();
      same = now === last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  /** Runs `spec` with streamed samples (seed = sample index); returns each sample's completion by index. */
  async function run(spec: string) {
    const completions = new Map<number, StreamedCompletion>();
    const before = await settledTokens();
    const result = await runStrategy({
      strategy: createStrategy(spec),
      parallel: SAMPLES,
      extract: () => "4",
      sample: async (index, signal, onToken) => {
        const completion = await new OpenAIClient({
          baseUrls: [`${engine.url}/v1`],
          apiKey: engine.token,
          maxRetries: 0,
        }).streamChat(
          [{ role: "user", content: "What is 2+3?" }],
          { model: basename(modelDirectory), maxTokens: MAX_TOKENS, temperature: 1, seed: index },
          { signal, onToken },
        );
        completions.set(index, completion);
        return completion;
      },
    });
    return { result, completions, decoded: (await settledTokens()) - before };
  }

  it("stops generating for aborted streams", async () => {
    const full = await run(`maj@${SAMPLES}`);
    expect(full.result.cancelled).toBe(0);
    expect(full.decoded).toBe(full.result.usage.completionTokens);

    const early = await run(`early@${SAMPLES},share=0.5,min=1`);
    expect(early.result.stopReason).not.toBe("budget");
    expect(early.result.cancelled).toBeGreaterThan(0);
    let finishedTokens = 0;
    let cancelledFullCost = 0;
    for (const [index, completion] of early.completions) {
      const fullTokens = full.completions.get(index)?.usage.completionTokens ?? 0;
      if (completion.finishReason === "cancelled") cancelledFullCost += fullTokens;
      else {
        // Same seed, same text: a finished sample costs what it cost in the full run.
        expect(completion.text).toBe(full.completions.get(index)?.text);
        finishedTokens += fullTokens;
      }
    }
    const spentOnCancelled = early.decoded - finishedTokens;
    console.log(
      `engine tokens: full run ${full.decoded}; early stop ${early.decoded} (finished samples ${finishedTokens}, ` +
        `cancelled ${early.result.cancelled}: ${spentOnCancelled} spent of ${cancelledFullCost} if run to the end)`,
    );
    expect(spentOnCancelled).toBeGreaterThanOrEqual(0);
    // The engine decodes the 8 streams in one batch, so when the vote stops, the aborted samples are about as far
    // along as the finished ones were (not yet started, as when requests took turns): well under half their cost.
    expect(spentOnCancelled).toBeLessThan(cancelledFullCost / 2);
    const settled = await generatedTokens();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await generatedTokens()).toBe(settled);
  }, 120_000);
});
