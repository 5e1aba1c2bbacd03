import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";

interface AnalyzeFlags {
  samples: string;
  strategies: string[];
  labels: "file" | "verify";
  tokenizer?: string;
  html?: string;
  svg?: string;
  json?: boolean;
  draws: string;
  seed: string;
}

const DEFAULT_STRATEGIES = [
  "pass@1",
  "maj@8",
  "vote@8,weight=reward",
  "best@8,score=reward",
  "esc@8,window=2",
  "ac@8",
];

function readJsonl(path: string): unknown[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`--samples ${path}: line ${index + 1} is not JSON`);
      }
    });
}

async function analyze(flags: AnalyzeFlags): Promise<void> {
  const {
    analyzeStrategies,
    poolsFromRows,
    analysisPage,
    analysisTableRows,
    ANALYSIS_HEADERS,
    accuracyTokensSvg,
  } = await import("../scale/index.js");
  if (flags.labels !== "file" && flags.labels !== "verify")
    throw new Error(`--labels must be file or verify, got "${flags.labels}"`);
  const draws = Number(flags.draws);
  if (!Number.isInteger(draws) || draws < 1)
    throw new Error(`--draws must be a positive integer, got "${flags.draws}"`);
  let countTokens: ((text: string) => number) | undefined;
  if (flags.tokenizer) {
    const { loadTokenizer } = await import("../tokenize/index.js");
    const tokenizer = await loadTokenizer(flags.tokenizer);
    countTokens = (text) => tokenizer.encode(text, { addSpecialTokens: false }).length;
  }
  const pools = poolsFromRows(readJsonl(flags.samples), { labels: flags.labels, countTokens });
  const specs = flags.strategies.flatMap((spec) => spec.split(/\s+/)).filter((spec) => spec !== "");
  const results = analyzeStrategies(specs, pools, { draws, seed: Number(flags.seed) });
  if (flags.html) {
    const { renderReportPage } = await import("../report/html-page.js");
    writeFileSync(
      flags.html,
      renderReportPage(
        analysisPage(results, {
          source: flags.samples,
          labels: flags.labels,
          estimatedTokens: {
            estimated: pools.reduce((sum, pool) => sum + (pool.estimatedTokens ?? 0), 0),
            traces: pools.reduce((sum, pool) => sum + pool.traces.length, 0),
            how: "characters/4 or the file's shared usage",
          },
        }),
      ),
    );
  }
  if (flags.svg)
    writeFileSync(
      flags.svg,
      accuracyTokensSvg(results, `Accuracy vs tokens (${flags.samples.split("/").at(-1)})`),
    );
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const { formatTable } = await import("../report/terminal-table.js");
  const estimated = pools.reduce((sum, pool) => sum + (pool.estimatedTokens ?? 0), 0);
  const title = `${pools.length} problems, labels from ${flags.labels}${estimated > 0 ? `, tokens estimated for ${estimated} traces (characters/4 without --tokenizer or usage)` : ""}`;
  process.stdout.write(formatTable(ANALYSIS_HEADERS, analysisTableRows(results), { title }));
  for (const result of results)
    if (result.notes) process.stdout.write(`${result.strategy}: ${result.notes}\n`);
}

interface RunFlags {
  baseUrl: string;
  model: string;
  strategy: string;
  prompt: string;
  apiKey?: string;
  parallel?: string;
  maxTokens?: string;
  temperature?: string;
  stream: boolean;
}

async function runOnline(flags: RunFlags): Promise<void> {
  const { createStrategy, runStrategy } = await import("../scale/index.js");
  const { OpenAIClient, completionToStreamed } = await import("../sample/index.js");
  const strategy = createStrategy(flags.strategy);
  const number = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value < 0)
      throw new Error(`${flag} must be a number ≥ 0, got "${text}"`);
    return value;
  };
  const apiKey = flags.apiKey ?? process.env.OPENAI_API_KEY;
  const client = new OpenAIClient({ baseUrls: [flags.baseUrl], ...(apiKey && { apiKey }), maxRetries: 2 });
  const messages = [{ role: "user", content: flags.prompt }];
  const maxTokens = number("--max-tokens", flags.maxTokens);
  const temperature = number("--temperature", flags.temperature);
  const { needsLogprobs } = await import("../scale/strategies/weights.js");
  const request = {
    model: flags.model,
    ...(maxTokens !== undefined && { maxTokens }),
    ...(temperature !== undefined && { temperature }),
    ...(needsLogprobs(strategy) && { topLogprobs: 5 }),
  };
  const result = await runStrategy({
    strategy,
    parallel: number("--parallel", flags.parallel),
    sample: async (_index, signal, onToken) =>
      flags.stream
        ? client.streamChat(messages, request, { signal, onToken })
        : completionToStreamed(await client.chat(messages, { ...request, n: 1 }, { signal })),
  });
  const { completions, ...summary } = result;
  process.stdout.write(
    `${JSON.stringify({ strategy: strategy.name, ...summary, requests: completions.length }, null, 2)}\n`,
  );
}

/** `boxed scale analyze`: compare test-time strategies offline on pre-generated samples. */
export function registerScale(program: Command): void {
  const scale = program
    .command("scale")
    .description("Test-time scaling: compare and run voting and early-stopping strategies.");
  scale
    .command("analyze")
    .description("Expected accuracy, samples and tokens of each strategy on a pool of pre-generated samples.")
    .requiredOption(
      "--samples <file>",
      "JSONL: eval samples.jsonl rows, or problem rows with code[] (and pred_score)",
    )
    .option("--strategies <specs...>", "strategy specs name@budget[,key=value…]", DEFAULT_STRATEGIES)
    .option("--labels <source>", "correctness from the file's labels (file) or by grading (verify)", "verify")
    .option("--tokenizer <dir>", "count tokens with this HF tokenizer directory (default: characters/4)")
    .option("--html <file>", "write an accuracy-vs-tokens chart page")
    .option("--svg <file>", "write the chart as a standalone SVG (for Markdown)")
    .option("--json", "print the table as JSON")
    .option("--draws <n>", "Monte-Carlo draws per problem where enumeration is too large", "2000")
    .option("--seed <n>", "Monte-Carlo seed", "0")
    .action((flags: AnalyzeFlags) => analyze(flags));
  scale
    .command("run")
    .description(
      "Run one strategy online against an OpenAI-compatible server and print the selected answer, votes and usage.",
    )
    .requiredOption("--base-url <url>", "server base URL including /v1")
    .requiredOption("--model <name>", "model name on the server")
    .requiredOption("--strategy <spec>", "strategy spec, e.g. esc@8,window=2")
    .requiredOption("--prompt <text>", "the user message")
    .option("--api-key <key>", "API key (default env OPENAI_API_KEY)")
    .option("--parallel <n>", "samples in flight (default: the strategy's batch size)")
    .option("--max-tokens <n>", "max_tokens per sample")
    .option("--temperature <t>", "sampling temperature")
    .option("--no-stream", "sample without streaming (servers that cannot stream)")
    .action((flags: RunFlags) => runOnline(flags));
}
