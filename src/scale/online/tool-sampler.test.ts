import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIClient } from "../../sample/client.js";
import { getToolFormat } from "../../tools/formats/registry.js";
import { LocalSandbox } from "../../tools/index.js";
import { scriptedModel } from "../../tools/test-helpers/scripted-tool-model.js";
import { createStrategy } from "../strategies/registry.js";
import { runStrategy } from "./run.js";
import { toolLiveSampler } from "./tool-sampler.js";

describe("online strategies over tool-using samples", () => {
  let sandbox: LocalSandbox;
  const model = scriptedModel("print(48213 * 90417)");
  let url: string;
  beforeAll(async () => {
    sandbox = await LocalSandbox.start({ workers: 1 });
    await new Promise<void>((resolve) => model.server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(model.server.address() as AddressInfo).port}/v1`;
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    model.server.close();
  });

  it("maj@4 votes over the final answers the sandbox's output produced", async () => {
    const sample = toolLiveSampler(
      { kind: "completion", prompt: "48213*90417=" },
      {
        client: new OpenAIClient({ baseUrls: [url], maxRetries: 0 }),
        sandbox,
        format: getToolFormat("qwen-tir"),
        generation: { model: "scripted", maxTokens: 64, seed: 1 },
        maxToolCalls: 2,
      },
    );
    const result = await runStrategy({ strategy: createStrategy("maj@4"), sample });
    expect(result.samplesUsed).toBe(4);
    expect(result.selected?.answer).toBe(String(48213 * 90417));
    expect(result.completions.every((completion) => completion.text.includes("```output"))).toBe(true);
    // Every sample ran the code: one completion request for the program, one for the answer.
    expect(model.bodies.filter((body) => "prompt" in body)).toHaveLength(8);
  }, 60_000);
});
