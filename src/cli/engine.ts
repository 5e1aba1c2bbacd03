import type { Command } from "commander";
import { type StartEngineOptions, startEngine } from "../engine/index.js";

interface EngineStartFlags {
  model: string;
  host: string;
  port: number;
  seed?: number;
  dtype?: "float32" | "bfloat16";
  device?: string;
  threads?: number;
  tokenBudget?: number;
  procs?: number;
  reference?: "none" | "copy";
  stateDir?: string;
  loraRank?: number;
  loraAlpha?: number;
  loraTargets?: string;
}

function integer(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new Error(`${name} must be an integer, got "${value}"`);
    return parsed;
  };
}

function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new Error(`${name} must be one of ${allowed.join(", ")}, got "${value}"`);
    }
    return value as T;
  };
}

function toStartOptions(flags: EngineStartFlags): StartEngineOptions {
  if (flags.loraRank === undefined && (flags.loraAlpha !== undefined || flags.loraTargets !== undefined)) {
    throw new Error("--lora-alpha and --lora-targets need --lora-rank");
  }
  const lora =
    flags.loraRank === undefined
      ? undefined
      : {
          rank: flags.loraRank,
          alpha: flags.loraAlpha,
          targets: flags.loraTargets?.split(",").filter(Boolean),
        };
  return {
    model: flags.model,
    host: flags.host,
    port: flags.port,
    seed: flags.seed,
    dtype: flags.dtype,
    device: flags.device,
    threads: flags.threads,
    tokenBudget: flags.tokenBudget,
    processes: flags.procs,
    reference: flags.reference,
    token: process.env.BOXED_ENGINE_TOKEN,
    stateDir: flags.stateDir,
    lora,
    onStderr: (chunk) => process.stderr.write(chunk),
  };
}

/** Starts the engine, prints its URL on stdout, serves until SIGINT/SIGTERM, then stops it. */
async function serve(flags: EngineStartFlags): Promise<void> {
  const engine = await startEngine(toStartOptions(flags));
  process.stdout.write(`${engine.url}\n`);
  if (process.env.BOXED_ENGINE_TOKEN === undefined) {
    process.stderr.write(`engine token (send Authorization: Bearer <token>): ${engine.token}\n`);
  }
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const outcome = await Promise.race([signalled, engine.exited]);
  if (typeof outcome === "string") {
    process.stderr.write(`${outcome}: stopping the engine\n`);
    await engine.stop();
    return;
  }
  throw new Error(`the engine exited on its own (${outcome.signal ?? `code ${outcome.code}`})`);
}

/** `boxed engine start --model DIR [--port P] [--lora-rank R ...]`. */
export function registerEngine(program: Command): void {
  const engine = program.command("engine").description("Run the PyTorch training/sampling engine.");
  engine
    .command("start")
    .description(
      "Start the engine on a local HF model and serve until interrupted (prints its URL; the bearer token is BOXED_ENGINE_TOKEN or a generated one printed on stderr).",
    )
    .requiredOption("--model <dir>", "HuggingFace causal-LM directory")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--port <port>", "port (0 picks a free one)", integer("--port"), 0)
    .option("--seed <n>", "seed of sampling and initialisation", integer("--seed"))
    .option("--dtype <dtype>", "float32 or bfloat16", oneOf("--dtype", ["float32", "bfloat16"] as const))
    .option("--device <device>", "auto, cpu, cuda, cuda:1, ...")
    .option("--threads <n>", "torch CPU threads (0 = torch's default)", integer("--threads"))
    .option("--token-budget <n>", "padded tokens per forward micro-batch", integer("--token-budget"))
    .option(
      "--procs <n>",
      "ranks on this machine under torchrun (FSDP2); 1 = one plain process",
      integer("--procs"),
    )
    .option(
      "--reference <mode>",
      "frozen reference for full fine-tuning: none or copy",
      oneOf("--reference", ["none", "copy"] as const),
    )
    .option("--state-dir <dir>", "folder that save_state/load_state/export paths must lie in")
    .option(
      "--lora-rank <r>",
      "train a LoRA adapter of this rank instead of all weights",
      integer("--lora-rank"),
    )
    .option("--lora-alpha <a>", "LoRA alpha", Number)
    .option("--lora-targets <modules>", "comma-separated module names, e.g. q_proj,v_proj")
    .action(serve);
}
