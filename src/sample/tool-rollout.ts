/**
 * Multi-turn tool rollouts: generate until a tool block closes, run the code in the sandbox, append
 * its output, continue — up to `maxToolCalls` runs and `maxTokens` generated tokens in all.
 * Text formats (qwen-tir, code-interpreter) continue one transcript: a completion prompt plus the
 * transcript so far, or in chat mode the partial assistant message continued with vLLM's
 * `continue_final_message` / `add_generation_prompt: false` (vllm/entrypoints/openai/protocol.py,
 * ChatCompletionRequest). The openai format sends `tools` and answers each `tool_calls` entry with a
 * `role: "tool"` message.
 */
import type { PromptMessage } from "../data/prompts.js";
import { toolCallCode } from "../tools/formats/openai-tools.js";
import type { OpenAIToolFormat, TextToolFormat, ToolFormat } from "../tools/formats/types.js";
import { toolOutputText } from "../tools/output-text.js";
import { type CodeSandbox, isToolError } from "../tools/types.js";
import type { CallOptions, ClientMessage, GenerationRequest, OpenAIClient } from "./client.js";
import type { FinishReason, Turn, Usage } from "./types.js";
import type { Completion } from "./wire.js";

export interface ToolRolloutOptions {
  client: OpenAIClient;
  sandbox: CodeSandbox;
  format: ToolFormat;
  /** Sampling parameters of every turn; `maxTokens` is the budget of all turns together. */
  generation: Omit<GenerationRequest, "n">;
  /** Code runs allowed; after the last one the model continues without tool stops. */
  maxToolCalls: number;
  /** Seconds per run (SandboxFusion's run_timeout). */
  runTimeout?: number;
  /** Characters of output shown to the model per stream (stdout, stderr). Default 2000. */
  maxOutputChars?: number;
}

export type ToolPrompt = { kind: "chat"; messages: PromptMessage[] } | { kind: "completion"; prompt: string };

export interface ToolRollout {
  /** The whole response: every generated turn and every appended tool output, in order. */
  text: string;
  turns: Turn[];
  finishReason: FinishReason;
  usage: Usage;
}

export async function toolRollout(
  prompt: ToolPrompt,
  options: ToolRolloutOptions,
  call: CallOptions = {},
): Promise<ToolRollout> {
  if (options.format.kind === "openai") {
    if (prompt.kind !== "chat")
      throw new Error('tool format "openai" needs chat mode (tool_calls are a chat API field)');
    return openaiRollout(prompt.messages, options, options.format, call);
  }
  return textRollout(prompt, options, options.format, call);
}

async function runTool(code: string, options: ToolRolloutOptions) {
  const started = performance.now();
  const response = await options.sandbox.runCode({
    code,
    language: "python",
    ...(options.runTimeout !== undefined && { run_timeout: options.runTimeout }),
  });
  return {
    response,
    output: toolOutputText(response, options.maxOutputChars),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Adds a completion's first choice to `usage` and `turns` (a generation turn) and returns it. */
function recordGeneration(completion: Completion, usage: Usage, turns: Turn[]) {
  const choice = completion.choices[0]!;
  const completionTokens = choice.completionTokens ?? completion.usage.completionTokens;
  if (turns.length === 0) usage.promptTokens = completion.usage.promptTokens;
  usage.completionTokens += completionTokens;
  turns.push({
    kind: "generation",
    text: choice.text,
    finishReason: choice.finishReason,
    completionTokens,
  });
  return choice;
}

async function textRollout(
  prompt: ToolPrompt,
  options: ToolRolloutOptions,
  format: TextToolFormat,
  call: CallOptions,
) {
  const budget = options.generation.maxTokens ?? Number.POSITIVE_INFINITY;
  const turns: Turn[] = [];
  const usage = { promptTokens: 0, completionTokens: 0 };
  let text = "";
  let calls = 0;
  for (;;) {
    const remaining = budget - usage.completionTokens;
    if (remaining <= 0) return { text, turns, finishReason: "length" as const, usage };
    const stop = [...(options.generation.stop ?? []), ...(calls < options.maxToolCalls ? format.stop : [])];
    const request = {
      ...options.generation,
      n: 1,
      stop,
      ...(Number.isFinite(remaining) && { maxTokens: remaining }),
    };
    const completion =
      prompt.kind === "completion"
        ? await options.client.complete(prompt.prompt + text, request, call)
        : await options.client.chat(...continuation(prompt.messages, text, request), call);
    const choice = recordGeneration(completion, usage, turns);
    text += choice.text;
    const code =
      choice.finishReason === "stop" && calls < options.maxToolCalls
        ? format.pendingCode(choice.text)
        : undefined;
    if (code === undefined) return { text, turns, finishReason: choice.finishReason, usage };
    const { response, output, seconds } = await runTool(code, options);
    const appended = format.renderOutput(output);
    text += appended;
    turns.push({
      kind: "tool",
      code,
      output,
      appended,
      status: response.status,
      error: isToolError(response),
      seconds,
    });
    calls += 1;
  }
}

/** Chat mode, text formats: the transcript so far as a partial assistant message to continue. */
function continuation(
  messages: PromptMessage[],
  text: string,
  request: GenerationRequest,
): [ClientMessage[], GenerationRequest] {
  if (text === "") return [messages, request];
  const extraBody = { ...request.extraBody, continue_final_message: true, add_generation_prompt: false };
  return [[...messages, { role: "assistant", content: text }], { ...request, extraBody }];
}

async function openaiRollout(
  messages: PromptMessage[],
  options: ToolRolloutOptions,
  format: OpenAIToolFormat,
  call: CallOptions,
) {
  const budget = options.generation.maxTokens ?? Number.POSITIVE_INFINITY;
  const conversation: ClientMessage[] = [...messages];
  const turns: Turn[] = [];
  const usage = { promptTokens: 0, completionTokens: 0 };
  let text = "";
  let calls = 0;
  for (;;) {
    const remaining = budget - usage.completionTokens;
    if (remaining <= 0) return { text, turns, finishReason: "length" as const, usage };
    const tools = calls < options.maxToolCalls ? { tools: [format.tool] } : {};
    const request = {
      ...options.generation,
      n: 1,
      ...(Number.isFinite(remaining) && { maxTokens: remaining }),
      extraBody: { ...options.generation.extraBody, ...tools },
    };
    const completion = await options.client.chat(conversation, request, call);
    const choice = recordGeneration(completion, usage, turns);
    text += choice.text;
    const toolCalls = (choice.toolCalls ?? []).slice(0, options.maxToolCalls - calls);
    if (toolCalls.length === 0) return { text, turns, finishReason: choice.finishReason, usage };
    conversation.push({ role: "assistant", content: choice.text || null, tool_calls: toolCalls });
    for (const toolCall of toolCalls) {
      const parsed = toolCallCode(toolCall);
      const run = "code" in parsed ? await runTool(parsed.code, options) : undefined;
      const output = run?.output ?? `Error: ${"error" in parsed ? parsed.error : ""}`;
      conversation.push({ role: "tool", tool_call_id: toolCall.id, content: output });
      const appended = `\n${output}\n`;
      text += appended;
      turns.push({
        kind: "tool",
        code: "code" in parsed ? parsed.code : toolCall.function.arguments,
        output,
        appended,
        status: run?.response.status ?? "Failed",
        error: run === undefined || isToolError(run.response),
        seconds: run?.seconds ?? 0,
      });
      calls += 1;
    }
  }
}
