/**
 * Multi-turn tool rollouts against the training engine, in token space so that the trainer scores
 * exactly the sequence the sampler saw: the engine samples token ids until a tool block closes
 * (`stop-cut.ts`), the code runs in the sandbox, its rendered output is tokenized here
 * (src/tokenize) and appended to the next turn's prompt. The response is every sampled token and
 * every tool token in order, with `sampledMask` 1 at sampled tokens and 0 at tool tokens (which have
 * no sampler log-prob: they get zero loss weight and stay out of the sampler–trainer KL).
 */
import { mixSeed } from "../../../data/tasks/random.js";
import type { TextToolFormat } from "../../../tools/formats/types.js";
import { toolOutputText } from "../../../tools/output-text.js";
import { type CodeSandbox, isToolError } from "../../../tools/types.js";
import { findBoxes } from "../../../verify/extract.js";
import { type RawSample, type SampleGroupsOptions, scoreGroups } from "../rollouts.js";
import type { SampledGroup, SampleTools, TextCodec } from "../types.js";
import type { ToolsConfig } from "./config.js";
import { cutAtStop } from "./stop-cut.js";

/** The tools of a run: the sandbox (open for the run) and the resolved format. */
export interface ToolRuntime {
  sandbox: CodeSandbox;
  format: TextToolFormat;
  config: ToolsConfig;
}

interface Transcript extends RawSample {
  prompt: number[];
  sampledMask: number[];
  tools: SampleTools;
  sampled: number;
  done: boolean;
}

/** A turn with neither a code block nor a final answer (SimpleTIR's void turn). */
function isVoid(text: string): boolean {
  return findBoxes(text).length === 0;
}

function append(transcript: Transcript, tokens: number[], logprobs: number[], sampled: 0 | 1): void {
  transcript.tokens.push(...tokens);
  transcript.logprobs.push(...(sampled === 1 ? logprobs : tokens.map(() => 0)));
  transcript.sampledMask.push(...tokens.map(() => sampled));
  if (sampled === 1) transcript.sampled += tokens.length;
}

/** Runs a turn's code and appends the rendered output (minus what the sampled stop already spelled). */
async function runTool(
  transcript: Transcript,
  code: string,
  tail: string,
  runtime: ToolRuntime,
  codec: TextCodec,
) {
  const started = performance.now();
  const response = await runtime.sandbox.runCode({
    code,
    language: "python",
    run_timeout: runtime.config.timeout,
  });
  transcript.tools.seconds += (performance.now() - started) / 1000;
  transcript.tools.calls += 1;
  if (isToolError(response)) transcript.tools.errors += 1;
  const rendered = runtime.format.renderOutput(toolOutputText(response, runtime.config.maxOutputChars));
  // renderOutput starts with the stop string; the sampled tokens already spell `tail` of it.
  const appended = rendered.startsWith(tail) ? rendered.slice(tail.length) : rendered;
  append(transcript, codec.encode(appended), [], 0);
}

/** One sampled turn of a transcript: cut at a tool stop, run the tool, or finish. */
async function advance(
  transcript: Transcript,
  sample: { tokens: number[]; logprobs: number[]; stop_reason: "stop" | "length" },
  maxTokens: number,
  runtime: ToolRuntime,
  codec: TextCodec,
): Promise<void> {
  const remaining = maxTokens - transcript.sampled;
  const overBudget = sample.tokens.length > remaining;
  const tokens = sample.tokens.slice(0, remaining);
  const canCall = transcript.tools.calls < runtime.config.maxCalls;
  const cut = canCall ? cutAtStop(codec, tokens, runtime.format.stop) : undefined;
  if (cut !== undefined) {
    append(transcript, tokens.slice(0, cut.length), sample.logprobs.slice(0, cut.length), 1);
    const code = runtime.format.pendingCode(cut.text.slice(0, cut.stopAt));
    if (code === undefined) {
      transcript.tools.voidTurns += 1;
      transcript.stop_reason = "stop";
      transcript.done = true;
      return;
    }
    await runTool(transcript, code, cut.text.slice(cut.stopAt), runtime, codec);
    if (transcript.sampled >= maxTokens) {
      transcript.stop_reason = "length";
      transcript.done = true;
    }
    return;
  }
  append(transcript, tokens, sample.logprobs.slice(0, tokens.length), 1);
  transcript.stop_reason = overBudget || sample.stop_reason === "length" ? "length" : "stop";
  if (transcript.stop_reason === "stop" && isVoid(codec.decode(tokens))) transcript.tools.voidTurns += 1;
  transcript.done = true;
}

/**
 * `sampleGroups` with tools: every response is a multi-turn rollout; each round samples the next
 * turn of every unfinished transcript in one engine call (prompt ++ response so far), up to
 * `maxCalls` runs and `sampling.maxTokens` sampled tokens per response (tool tokens not counted).
 */
export async function sampleToolGroups(options: SampleGroupsOptions & { tools: ToolRuntime }): Promise<{
  groups: SampledGroup[];
  samplingSeconds: number;
  gradingSeconds: number;
  toolSeconds: number;
}> {
  const { client, codec, sampling, tools } = options;
  const started = performance.now();
  const transcripts_G_N = options.promptTokens.map((prompt) =>
    Array.from(
      { length: options.groupSize },
      (): Transcript => ({
        prompt,
        tokens: [],
        logprobs: [],
        sampledMask: [],
        stop_reason: "stop",
        tools: { calls: 0, errors: 0, voidTurns: 0, seconds: 0 },
        sampled: 0,
        done: false,
      }),
    ),
  );
  const all = transcripts_G_N.flat();
  // Wall time of the tool phases (runs in parallel on the sandbox pool, plus tokenizing their output).
  let toolSeconds = 0;
  for (let turn = 0; turn <= tools.config.maxCalls; turn++) {
    const active = all.filter((transcript) => !transcript.done);
    if (active.length === 0) break;
    const budget = Math.max(...active.map((transcript) => sampling.maxTokens - transcript.sampled));
    const response = await client.sample({
      prompts: active.map((transcript) => [...transcript.prompt, ...transcript.tokens]),
      num_samples: 1,
      sampling_params: {
        max_tokens: budget,
        temperature: sampling.temperature,
        top_p: sampling.topP,
        top_k: sampling.topK,
        stop_token_ids: codec.stopTokenIds,
        seed: turn === 0 ? sampling.seed : mixSeed(sampling.seed, turn),
      },
    });
    const toolsStarted = performance.now();
    await Promise.all(
      active.map((transcript, index) =>
        advance(transcript, response.samples[index][0], sampling.maxTokens, tools, codec),
      ),
    );
    toolSeconds += (performance.now() - toolsStarted) / 1000;
  }
  const sampled = performance.now();
  const groups = await scoreGroups({ ...options, samples_G_N: transcripts_G_N });
  return {
    groups,
    samplingSeconds: (sampled - started) / 1000,
    gradingSeconds: (performance.now() - sampled) / 1000,
    toolSeconds,
  };
}
