import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import type { Command } from "commander";
import type { PromptMessage } from "../data/prompts.js";
import type { Problem } from "../data/types.js";

interface EvalFlags {
  benchmark?: string;
  data?: string;
  hf?: string;
  hfConfig?: string;
  hfSplit: string;
  problemField?: string;
  answerField?: string;
  idField?: string;
  responsesField?: string;
  limit?: number;
  baseUrl: string[];
  apiKey?: string;
  model?: string;
  engineModel?: string;
  n: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  stop: string[];
  logprobs?: boolean;
  returnTokenIds?: boolean;
  extraBody?: string;
  prompt: string;
  mode: "chat" | "completion";
  tokenizer?: string;
  concurrency: number;
  samplesPerRequest?: number;
  requestTimeout: number;
  retries: number;
  workers?: number;
  gradeTimeout?: number;
  out?: string;
  samples?: string;
  dryRun?: boolean;
  progress: boolean;
  tools?: string;
  toolFormat: string;
  maxToolCalls: number;
  toolTimeout: number;
  sandboxUrl?: string;
  sandboxToken?: string;
}

/** Tools a model may call in `boxed eval --tools NAME`. */
const EVAL_TOOLS = ["python"];

/** The tool settings of a run (part of its config hash), or undefined without --tools. */
async function toolSettings(flags: EvalFlags) {
  if (flags.tools === undefined) return undefined;
  if (!EVAL_TOOLS.includes(flags.tools))
    throw new Error(`unknown tool "${flags.tools}" for --tools (known: ${EVAL_TOOLS.join(", ")})`);
  const format = (await import("../tools/formats/registry.js")).getToolFormat(flags.toolFormat);
  if (format.kind === "openai" && flags.mode !== "chat")
    throw new Error("--tool-format openai needs --mode chat (tool_calls are a chat API field)");
  return {
    tools: flags.tools,
    toolFormat: format.name,
    maxToolCalls: flags.maxToolCalls,
    toolTimeout: flags.toolTimeout,
  };
}

/** The sandbox of a tool run: a SandboxFusion service at --sandbox-url, else the local sandbox. */
async function openSandbox(flags: EvalFlags) {
  if (flags.sandboxUrl) {
    const { SandboxFusionClient } = await import("../tools/sandbox-fusion/client.js");
    const token = flags.sandboxToken ?? process.env.BOXED_SANDBOX_TOKEN;
    return new SandboxFusionClient({ url: flags.sandboxUrl, ...(token !== undefined && { token }) });
  }
  const { LocalSandbox } = await import("../tools/index.js");
  return LocalSandbox.start({ limits: { wallSeconds: flags.toolTimeout, cpuSeconds: flags.toolTimeout } });
}

const collect = (value: string, previous: string[]) => [...previous, value];

function number(name: string, check: (value: number) => boolean, rule: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === "" || !check(parsed)) throw new Error(`${name} must be ${rule}, got "${value}"`);
    return parsed;
  };
}
const positiveInteger = (name: string) =>
  number(name, (value) => Number.isInteger(value) && value > 0, "a positive integer");
const integer = (name: string) => number(name, Number.isInteger, "an integer");
const nonNegative = (name: string) => number(name, (value) => value >= 0, "a number ≥ 0");

async function loadProblems(flags: EvalFlags): Promise<{ name: string; problems: Problem[] }[]> {
  const data = await import("../data/index.js");
  const mapping = {
    problemField: flags.problemField,
    answerField: flags.answerField,
    idField: flags.idField,
  };
  const sets: { name: string; problems: Problem[] }[] = [];
  for (const name of (flags.benchmark ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    sets.push({ name, problems: data.loadBenchmark(name) });
  }
  if (flags.data) {
    const problems = data.loadLocalProblems(flags.data, mapping);
    sets.push({ name: problems[0]?.benchmark ?? basename(flags.data), problems });
  }
  if (flags.hf) {
    const problems = await data.loadHubProblems(flags.hf, {
      ...mapping,
      config: flags.hfConfig,
      split: flags.hfSplit,
    });
    sets.push({ name: problems[0]?.benchmark ?? flags.hf, problems });
  }
  if (sets.length === 0)
    throw new Error(
      "name what to evaluate: --benchmark NAMES, --data FILE or --hf ID (or score files with --samples FILE)",
    );
  return sets.map((set) => ({
    ...set,
    problems: flags.limit ? set.problems.slice(0, flags.limit) : set.problems,
  }));
}

function samplingConfig(flags: EvalFlags) {
  let extraBody: Record<string, unknown> | undefined;
  if (flags.extraBody) {
    try {
      extraBody = JSON.parse(flags.extraBody);
    } catch (error) {
      throw new Error(
        `--extra-body must be a JSON object, got "${flags.extraBody}" (${(error as Error).message})`,
      );
    }
  }
  return {
    temperature: flags.temperature,
    topP: flags.topP,
    maxTokens: flags.maxTokens,
    seed: flags.seed,
    stop: flags.stop.length > 0 ? flags.stop : undefined,
    logprobs: flags.logprobs,
    extraBody,
  };
}

async function verifier(flags: EvalFlags) {
  const verify = await import("../verify/index.js");
  return {
    grader: (items: { gold: string; response: string }[]) =>
      verify.gradeBatch(items, { workers: flags.workers, timeout: flags.gradeTimeout }),
    equivalent: (a: string, b: string) => verify.areEquivalent(a, b),
    close: () => verify.closeSharedGradePool(),
  };
}

async function scoreOffline(flags: EvalFlags, out: string): Promise<void> {
  const [{ readOfflineSamples, scoreAndReport, formatSummary }, grading] = [
    await import("../eval/index.js"),
    await verifier(flags),
  ];
  const offline = readOfflineSamples(flags.samples as string, {
    answerField: flags.answerField,
    responsesField: flags.responsesField,
  });
  try {
    const config = { command: "eval --samples", samples: flags.samples, prompt: flags.prompt };
    const template = (await import("../data/index.js")).getPromptTemplate(flags.prompt);
    const { results } = await scoreAndReport(offline.benchmarks, {
      ...grading,
      template,
      config,
      lengthUnit: offline.lengthUnit,
      out,
    });
    process.stdout.write(formatSummary(results));
    process.stdout.write(`wrote ${join(out, "results.json")}, samples.jsonl, report.html\n`);
  } finally {
    await grading.close();
  }
}

async function completionRenderer(
  flags: EvalFlags,
): Promise<((messages: PromptMessage[]) => string) | undefined> {
  if (flags.mode !== "completion") return undefined;
  const directory = flags.tokenizer ?? flags.engineModel;
  if (!directory)
    throw new Error(
      "--mode completion needs the model's chat template: pass --tokenizer DIR (a folder with tokenizer_config.json)",
    );
  const tokenizer = await (await import("../tokenize/index.js")).loadTokenizer(directory);
  return (messages) =>
    tokenizer.renderChat(
      messages.map((message) => ({ ...message })),
      { addGenerationPrompt: true },
    );
}

async function evaluateOnline(flags: EvalFlags, out: string): Promise<void> {
  const [evaluation, data, sample, store] = await Promise.all([
    import("../eval/index.js"),
    import("../data/index.js"),
    import("../sample/index.js"),
    import("../store/index.js"),
  ]);
  if (!flags.engineModel && flags.baseUrl.length === 0)
    throw new Error("name a server with --base-url URL (or start a local model with --engine-model DIR)");
  if (!flags.engineModel && !flags.model) throw new Error("--model NAME is required with --base-url");
  const template = data.getPromptTemplate(flags.prompt);
  const tools = await toolSettings(flags);
  const benchmarks = await loadProblems(flags);
  const renderChat = await completionRenderer(flags);
  const params = samplingConfig(flags);
  const model = flags.model ?? basename(flags.engineModel as string);
  const scope = {
    model,
    configHash: store.configHash({ prompt: flags.prompt, mode: flags.mode, ...params, ...tools }),
  };
  const storePath = join(out, "samples.sqlite");
  const perRequest = flags.samplesPerRequest ?? flags.n;
  if (flags.dryRun) {
    const sampleStore = existsSync(storePath) ? new store.SampleStore(storePath) : null;
    const plan = evaluation.planRequests(
      benchmarks.map((set) => ({ ...set, stored: sampleStore?.load(set.name, scope) ?? new Map() })),
      flags.n,
      perRequest,
    );
    sampleStore?.close();
    const first = plan.requests[0];
    const lines = [
      `plan: ${benchmarks.map((set) => `${set.name} (${set.problems.length} problems)`).join(", ")} × n=${flags.n}`,
      `model ${model} at ${flags.engineModel ? `a local engine on ${flags.engineModel}` : flags.baseUrl.join(", ")}; ${flags.mode} mode, prompt ${flags.prompt}`,
      `samples: ${plan.reused} stored and reused, ${plan.missing} to request in ${plan.requests.length} requests (≤ ${perRequest} per request, ${flags.concurrency} at once)`,
      `store: ${storePath} (config hash ${scope.configHash})`,
      ...(first
        ? [
            `first request: ${JSON.stringify({ problem: first.problem.id, n: first.count, firstIndex: first.firstIndex, ...params, prompt: data.renderPrompt(template, first.problem, flags.mode, renderChat) })}`,
          ]
        : []),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  const engine = flags.engineModel
    ? await (await import("../engine/index.js")).startEngine({ model: flags.engineModel, seed: flags.seed })
    : null;
  const grading = await verifier(flags);
  const sandbox = tools ? await openSandbox(flags) : null;
  try {
    const samplerOptions = {
      baseUrls: engine ? [`${engine.url}/v1`] : flags.baseUrl,
      model,
      apiKey: engine ? engine.token : (flags.apiKey ?? process.env.OPENAI_API_KEY),
      // Per-choice token ids make per-sample token counts exact with n > 1 (the engine always has them).
      params: { ...params, returnTokenIds: flags.returnTokenIds === true || engine !== null },
      concurrency: flags.concurrency,
      maxRetries: flags.retries,
      requestTimeoutMs: flags.requestTimeout * 1000,
    };
    const plain = new sample.OpenAISampler(samplerOptions);
    await plain.preflight();
    const sampler =
      tools && sandbox
        ? new (await import("../sample/tool-sampler.js")).ToolSampler({
            ...samplerOptions,
            sandbox,
            format: (await import("../tools/formats/registry.js")).getToolFormat(tools.toolFormat),
            maxToolCalls: tools.maxToolCalls,
            runTimeout: tools.toolTimeout,
          })
        : plain;
    const config = {
      command: "eval",
      model,
      baseUrls: flags.baseUrl,
      engineModel: flags.engineModel,
      benchmarks: benchmarks.map((set) => set.name),
      n: flags.n,
      prompt: flags.prompt,
      mode: flags.mode,
      ...params,
      ...tools,
      configHash: scope.configHash,
    };
    const { results, failures, fatal, written } = await evaluation.runEvaluation({
      benchmarks,
      sampler,
      storePath,
      scope,
      template,
      mode: flags.mode,
      renderChat,
      n: flags.n,
      samplesPerRequest: perRequest,
      concurrency: flags.concurrency,
      progress: flags.progress,
      scoring: { grader: grading.grader, equivalent: grading.equivalent, config, out, seed: flags.seed },
    });
    process.stdout.write(evaluation.formatSummary(results));
    process.stdout.write(
      written
        ? `wrote ${join(out, "results.json")}, samples.jsonl, report.html\n`
        : `every request failed: kept the earlier ${join(out, "results.json")} as it was\n`,
    );
    if (failures.length > 0) {
      const missing = failures.reduce((sum, failure) => sum + failure.count, 0);
      process.stderr.write(
        `boxed eval: ${failures.length} requests (${missing} samples) failed${fatal ? `, the run stopped at a fatal error: ${fatal.message}` : ` (first: ${failures[0]?.message})`}; their samples are missing and counted as server errors, not wrong answers. Completed samples are kept in ${storePath}; rerun the same command to retry only the missing ones.\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await grading.close();
    await sandbox?.close();
    await engine?.stop();
  }
}

/** `boxed eval`: benchmark evaluation against OpenAI-compatible servers, or offline scoring of samples. */
export function registerEval(program: Command): void {
  program
    .command("eval")
    .description(
      "Evaluate a model on math benchmarks (pass@k, maj@k, lengths), resumable; or score existing samples offline",
    )
    .option(
      "--benchmark <names>",
      "comma-separated benchmarks: aime24, aime25, amc23, math500, minerva_math, olympiadbench, gsm8k",
    )
    .option("--data <file>", "a local JSONL/JSON/CSV file of problems")
    .option("--hf <id>", "a HuggingFace dataset id (needs network on first use; cached)")
    .option("--hf-config <name>", "HuggingFace dataset config")
    .option("--hf-split <name>", "HuggingFace dataset split", "test")
    .option("--problem-field <field>", "field of the question in --data/--hf rows")
    .option("--answer-field <field>", "field of the gold answer in --data/--hf/--samples rows")
    .option("--id-field <field>", "field of the problem id in --data/--hf rows")
    .option(
      "--responses-field <field>",
      "field of the response list in --samples rows (default responses, else code)",
    )
    .option("--limit <n>", "only the first n problems of each benchmark", positiveInteger("--limit"))
    .option(
      "--base-url <url>",
      "OpenAI-compatible base URL (…/v1); repeat for replicas served round-robin",
      collect,
      [],
    )
    .option("--api-key <key>", "API key (default $OPENAI_API_KEY)")
    .option("--model <name>", "model name sent to the server")
    .option("--engine-model <dir>", "start the boxed engine on a local model instead of --base-url")
    .option("--n <n>", "samples per problem", positiveInteger("--n"), 1)
    .option("--temperature <t>", "sampling temperature", nonNegative("--temperature"))
    .option("--top-p <p>", "nucleus sampling mass", nonNegative("--top-p"))
    .option("--max-tokens <m>", "response token limit", positiveInteger("--max-tokens"))
    .option("--seed <s>", "base seed (request for samples from index i sends seed + i)", integer("--seed"))
    .option("--stop <text>", "stop string; repeatable", collect, [])
    .option("--logprobs", "ask for token log-probs")
    .option(
      "--return-token-ids",
      "ask for each choice's token ids (vLLM ≥ 0.10.2 return_token_ids; always on with --engine-model): exact per-sample token counts when n > 1",
    )
    .option("--extra-body <json>", 'server-specific fields passed through, e.g. \'{"top_k":20,"min_p":0}\'')
    .option(
      "--prompt <template>",
      "prompt template: qwen25-math-cot, qwen25-math-tir, deepseek-r1, plain, few-shot",
      "qwen25-math-cot",
    )
    .option(
      "--mode <mode>",
      "chat or completion (renders the chat template in TS)",
      (value) => {
        if (value !== "chat" && value !== "completion")
          throw new Error(`--mode must be chat or completion, got "${value}"`);
        return value;
      },
      "chat",
    )
    .option("--tokenizer <dir>", "folder with the model's tokenizer files, for --mode completion")
    .option("--concurrency <c>", "requests in flight", positiveInteger("--concurrency"), 32)
    .option(
      "--samples-per-request <k>",
      "n per request (default: all n at once)",
      positiveInteger("--samples-per-request"),
    )
    .option(
      "--request-timeout <s>",
      "per-request timeout in seconds",
      positiveInteger("--request-timeout"),
      600,
    )
    .option("--retries <r>", "retries on 429/5xx/timeouts/disconnects", integer("--retries"), 6)
    .option("--workers <n>", "grading worker threads", positiveInteger("--workers"))
    .option("--grade-timeout <s>", "per-grade time limit in seconds", nonNegative("--grade-timeout"))
    .option("--out <dir>", "run directory (results.json, samples.jsonl, report.html, samples.sqlite)")
    .option(
      "--samples <file>",
      "score existing samples offline (our samples.jsonl, or rows with gold + responses)",
    )
    .option("--tools <name>", `let the model run code while it reasons (tools: ${EVAL_TOOLS.join(", ")})`)
    .option(
      "--tool-format <name>",
      "how tool calls are written: qwen-tir, code-interpreter, openai",
      "qwen-tir",
    )
    .option("--max-tool-calls <n>", "code runs per sample", integer("--max-tool-calls"), 4)
    .option("--tool-timeout <s>", "wall seconds per code run", positiveInteger("--tool-timeout"), 10)
    .option(
      "--sandbox-url <url>",
      "run code on a SandboxFusion service (or boxed sandbox serve) instead of locally",
    )
    .option("--sandbox-token <token>", "bearer token for --sandbox-url (default $BOXED_SANDBOX_TOKEN)")
    .option("--dry-run", "print the request plan and exit")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (flags: EvalFlags) => {
      if (!flags.out) throw new Error("--out DIR is required (the run directory)");
      if (flags.samples) await scoreOffline(flags, flags.out);
      else await evaluateOnline(flags, flags.out);
    });
}
