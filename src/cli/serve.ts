import type { Command } from "commander";

interface ServeFlags {
  upstream: string;
  port: string;
  host: string;
  apiKey?: string;
  upstreamApiKey?: string;
  maxConcurrentPerClient: string;
  upstreamStream: boolean;
  upstreamTimeout: string;
  upstreamFirstByteTimeout?: string;
}

function positiveSeconds(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0)
    throw new Error(`${flag} must be a number of seconds > 0, got "${text}"`);
  return value * 1000;
}

function positiveInteger(flag: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1))
    throw new Error(`${flag} must be a ${allowZero ? "non-negative" : "positive"} integer, got "${text}"`);
  return value;
}

/** `boxed serve`: the OpenAI-compatible test-time scaling proxy. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "OpenAI-compatible proxy: pick a strategy by model name (maj@8:<model>) or body field boxed.strategy; otherwise pass through.",
    )
    .requiredOption("--upstream <url>", "upstream OpenAI-compatible base URL (e.g. http://127.0.0.1:8000/v1)")
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option(
      "--api-key <key>",
      "key clients must send as Authorization: Bearer <key> (also env BOXED_API_KEY)",
    )
    .option("--upstream-api-key <key>", "key sent to the upstream (also env BOXED_UPSTREAM_API_KEY)")
    .option("--max-concurrent-per-client <n>", "requests in flight per client", "256")
    .option("--no-upstream-stream", "sample the upstream without streaming (for servers that cannot stream)")
    .option(
      "--upstream-timeout <seconds>",
      "limit on one whole upstream exchange (a stalled upstream gets a 504)",
      "600",
    )
    .option(
      "--upstream-first-byte-timeout <seconds>",
      "limit until the upstream's response headers arrive (default: --upstream-timeout)",
    )
    .action(async (flags: ServeFlags) => {
      const { createProxy, upstreamBase } = await import("../scale/serve/index.js");
      const proxy = createProxy({
        upstream: upstreamBase(flags.upstream),
        apiKey: flags.apiKey ?? process.env.BOXED_API_KEY,
        upstreamApiKey: flags.upstreamApiKey ?? process.env.BOXED_UPSTREAM_API_KEY,
        upstreamStreaming: flags.upstreamStream,
        maxConcurrentPerClient: positiveInteger("--max-concurrent-per-client", flags.maxConcurrentPerClient),
        upstreamTimeoutMs: positiveSeconds("--upstream-timeout", flags.upstreamTimeout),
        ...(flags.upstreamFirstByteTimeout !== undefined && {
          upstreamFirstByteTimeoutMs: positiveSeconds(
            "--upstream-first-byte-timeout",
            flags.upstreamFirstByteTimeout,
          ),
        }),
      });
      const address = await proxy.listen(positiveInteger("--port", flags.port, true), flags.host);
      process.stderr.write(
        `boxed serve: listening on http://${address.address}:${address.port}/v1 → ${flags.upstream}\n`,
      );
      const stop = () => void proxy.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
