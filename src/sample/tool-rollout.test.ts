import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiTools } from "../tools/formats/openai-tools.js";
import { getToolFormat } from "../tools/formats/registry.js";
import { LocalSandbox } from "../tools/sandbox/local-sandbox.js";
import { scriptedModel } from "../tools/test-helpers/scripted-tool-model.js";
import { OpenAIClient } from "./client.js";
import { type ToolRolloutOptions, toolRollout } from "./tool-rollout.js";

describe("multi-turn tool rollouts", () => {
  let sandbox: LocalSandbox;
  let model: ReturnType<typeof scriptedModel>;
  let options: (format: string, extra?: Partial<ToolRolloutOptions>) => ToolRolloutOptions;

  beforeAll(async () => {
    sandbox = await LocalSandbox.start({ workers: 1 });
    model = scriptedModel("print(48213 * 90417)");
    await new Promise<void>((resolve) => model.server.listen(0, "127.0.0.1", resolve));
    const client = new OpenAIClient({
      baseUrls: [`http://127.0.0.1:${(model.server.address() as AddressInfo).port}/v1`],
      maxRetries: 0,
    });
    options = (format, extra = {}) => ({
      client,
      sandbox,
      format: getToolFormat(format),
      generation: { model: "scripted", maxTokens: 100 },
      maxToolCalls: 4,
      ...extra,
    });
  });
  afterAll(async () => {
    model.server.close();
    await sandbox.close();
  });

  it("qwen-tir, completion mode: stops at ```output, runs the code, appends its output, continues", async () => {
    model.bodies.length = 0;
    const rollout = await toolRollout(
      { kind: "completion", prompt: "Q: 48213 × 90417?\n" },
      options("qwen-tir"),
    );
    expect(rollout.text).toBe(
      "```python\nprint(48213 * 90417)\n```\n```output\n4359274821\n```\nSo the result is \\boxed{4359274821}.",
    );
    expect(rollout.turns.map((turn) => turn.kind)).toEqual(["generation", "tool", "generation"]);
    expect(rollout.turns[1]).toMatchObject({
      code: "print(48213 * 90417)\n",
      output: "4359274821",
      status: "Success",
      error: false,
    });
    expect(model.bodies[0]).toMatchObject({ stop: ["```output"], max_tokens: 100 });
    expect(model.bodies[1]).toMatchObject({ max_tokens: 90 }); // the budget is shared by all turns
    expect(model.bodies[1]!.prompt).toBe(
      `Q: 48213 × 90417?\n${rollout.turns[0]!.kind === "generation" && rollout.turns[0]!.text}${rollout.turns[1]!.kind === "tool" && rollout.turns[1]!.appended}`,
    );
    expect(rollout.usage).toEqual({ promptTokens: 7, completionTokens: 20 });
  });

  it("code-interpreter, completion mode", async () => {
    const rollout = await toolRollout({ kind: "completion", prompt: "Q\n" }, options("code-interpreter"));
    expect(rollout.text).toBe(
      "<code>print(48213 * 90417)\n</code>\n<interpreter>\n4359274821\n</interpreter>\nSo the result is \\boxed{4359274821}.",
    );
  });

  it("qwen-tir, chat mode: continues the partial assistant message (vLLM continue_final_message)", async () => {
    model.bodies.length = 0;
    const rollout = await toolRollout(
      { kind: "chat", messages: [{ role: "user", content: "Q" }] },
      options("qwen-tir"),
    );
    expect(rollout.text).toMatch(/\\boxed\{4359274821\}\.$/);
    expect(model.bodies[1]).toMatchObject({ continue_final_message: true, add_generation_prompt: false });
    expect((model.bodies[1]!.messages as { role: string }[]).at(-1)!.role).toBe("assistant");
  });

  it("openai format: sends tools, answers tool_calls with a tool message", async () => {
    model.bodies.length = 0;
    const rollout = await toolRollout(
      { kind: "chat", messages: [{ role: "user", content: "Q" }] },
      options("openai"),
    );
    expect(rollout.text).toMatch(/\\boxed\{4359274821\}\.$/);
    expect(model.bodies[0]!.tools).toEqual([openaiTools.tool]);
    const second = model.bodies[1]!.messages as Record<string, unknown>[];
    expect(second.at(-2)).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_1" }] });
    expect(second.at(-1)).toEqual({ role: "tool", tool_call_id: "call_1", content: "4359274821" });
    await expect(toolRollout({ kind: "completion", prompt: "Q" }, options("openai"))).rejects.toThrow(
      /needs chat mode/,
    );
  });

  it("a failing program is a tool error whose traceback the model reads", async () => {
    const failing = scriptedModel("print(1 / 0)");
    await new Promise<void>((resolve) => failing.server.listen(0, "127.0.0.1", resolve));
    const client = new OpenAIClient({
      baseUrls: [`http://127.0.0.1:${(failing.server.address() as AddressInfo).port}/v1`],
    });
    const rollout = await toolRollout(
      { kind: "completion", prompt: "Q\n" },
      { ...options("qwen-tir"), client, maxToolCalls: 1 },
    );
    failing.server.close();
    expect(rollout.turns[1]).toMatchObject({ kind: "tool", status: "Failed", error: true });
    expect(rollout.turns[1]!.kind === "tool" && rollout.turns[1]!.output).toMatch(
      /ZeroDivisionError: division by zero/,
    );
  });

  it("stops at the call limit and at the token budget", async () => {
    const none = await toolRollout(
      { kind: "completion", prompt: "Q\n" },
      options("qwen-tir", { maxToolCalls: 0 }),
    );
    expect(none.turns).toHaveLength(1);
    const short = await toolRollout(
      { kind: "completion", prompt: "Q\n" },
      options("qwen-tir", { generation: { model: "scripted", maxTokens: 10 } }),
    );
    expect(short.finishReason).toBe("length");
    expect(short.turns.map((turn) => turn.kind)).toEqual(["generation", "tool"]);
  });
});
