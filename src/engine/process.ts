/**
 * Starting and stopping the Python engine (`python -m boxed_engine`) as a child process.
 * The child gets a stdin pipe and `--exit-with-parent`, so it exits when this process dies,
 * even by SIGKILL; `stop()` ends it and waits for its exit. Its bearer token travels in the
 * BOXED_ENGINE_TOKEN environment variable, never on the command line (`/proc/PID/cmdline`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { EngineClient } from "./client.js";
import { pythonEnvironment, resolvePython } from "./python.js";
import { PROTOCOL_VERSION, ReadyEventSchema } from "./schemas.js";

export interface LoraOptions {
  rank: number;
  alpha?: number;
  /** Module names to adapt, e.g. `["q_proj", "v_proj"]`. */
  targets?: string[];
}

export interface StartEngineOptions {
  /** Local HuggingFace causal-LM directory (or a hub id where a network is available). */
  model: string;
  /** Port to bind; 0 (default) lets the engine pick a free one. */
  port?: number;
  host?: string;
  seed?: number;
  lora?: LoraOptions;
  /** Frozen reference policy for full fine-tuning: "copy" keeps one, "none" (default) none. */
  reference?: "none" | "copy";
  dtype?: "float32" | "bfloat16";
  /** "auto" (default: CUDA when available), "cpu", "cuda", "cuda:1", ... */
  device?: string;
  /** torch CPU threads; 0 = torch's default. 1 is fastest for the tiny preset on a busy machine. */
  threads?: number;
  /** Padded tokens per forward micro-batch (engine default 16384). */
  tokenBudget?: number;
  /**
   * Ranks on this machine (default 1: one plain process). N > 1 runs `torchrun --standalone
   * --nproc-per-node N -m boxed_engine ...`: FSDP2 shards over the N ranks, rank 0 serves HTTP
   * (docs/engine.md, "Several processes").
   */
  processes?: number;
  /** Bearer token every request must carry (default: a fresh random one; see `RunningEngine.token`). */
  token?: string;
  /** Folder(s) that save_state / load_state / export paths must lie in (engine default `./engine-state`). */
  stateDir?: string | string[];
  /** Extra environment variables for the engine process. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the ready line (default 180 s: importing torch on a busy CPU is slow). */
  readyTimeoutMs?: number;
  /** Per-request timeout of the returned client. */
  requestTimeoutMs?: number;
  /** Receives the engine's stderr (its logs) as it arrives. */
  onStderr?: (chunk: string) => void;
}

export interface RunningEngine {
  client: EngineClient;
  url: string;
  /** The bearer token: send `Authorization: Bearer <token>` (the OpenAI SDKs' `apiKey`) with every request
   * (empty for an engine connected to without one). */
  token: string;
  port: number;
  /** The engine's process id. */
  pid: number;
  /** Settles when the engine process exits, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the engine (SIGTERM, then SIGKILL after a grace period) and waits for its exit. */
  stop(): Promise<void>;
}

const STDERR_TAIL_CHARS = 4000;

/** Command-line arguments of `python` for these options: `-m boxed_engine ...`, under torchrun when processes > 1. */
export function engineArguments(options: StartEngineOptions): string[] {
  return [...launcherArguments(options.processes), ...boxedEngineArguments(options)];
}

/** torch's own launcher (torch/distributed/run.py); `--standalone` rendezvouses on a free local port. */
function launcherArguments(processes: number | undefined): string[] {
  if (processes === undefined) return [];
  if (integerOption("processes", processes) < 1) {
    throw new Error(`startEngine: processes must be ≥ 1, got ${processes}`);
  }
  if (processes === 1) return [];
  return ["-m", "torch.distributed.run", "--standalone", "--nproc-per-node", String(processes)];
}

function boxedEngineArguments(options: StartEngineOptions): string[] {
  const args = ["-m", "boxed_engine", "--model", options.model, "--exit-with-parent"];
  args.push("--host", options.host ?? "127.0.0.1", "--port", String(options.port ?? 0));
  if (options.seed !== undefined) args.push("--seed", String(integerOption("seed", options.seed)));
  if (options.dtype !== undefined) args.push("--dtype", options.dtype);
  if (options.device !== undefined) args.push("--device", options.device);
  if (options.threads !== undefined) args.push("--threads", String(nonNegative("threads", options.threads)));
  if (options.tokenBudget !== undefined) {
    args.push("--token-budget", String(nonNegative("tokenBudget", options.tokenBudget)));
  }
  if (options.reference !== undefined) args.push("--reference", options.reference);
  for (const directory of [options.stateDir ?? []].flat()) args.push("--state-dir", directory);
  if (options.lora !== undefined) {
    const rank = integerOption("lora.rank", options.lora.rank);
    if (rank <= 0) throw new Error(`startEngine: lora.rank must be positive, got ${rank}`);
    args.push("--lora-rank", String(rank));
    if (options.lora.alpha !== undefined) args.push("--lora-alpha", String(options.lora.alpha));
    if (options.lora.targets !== undefined) args.push("--lora-targets", options.lora.targets.join(","));
  }
  return args;
}

function integerOption(name: string, value: number): number {
  if (!Number.isInteger(value)) throw new Error(`startEngine: ${name} must be an integer, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (integerOption(name, value) < 0) throw new Error(`startEngine: ${name} must be ≥ 0, got ${value}`);
  return value;
}

/**
 * Spawns the engine on `options.model`, waits for its ready line, checks `/health` speaks
 * protocol 2, and returns a client bound to it (with the token).
 * @example
 *   const engine = await startEngine({ model: "/tmp/tiny", seed: 0 });
 *   try { await engine.client.info(); } finally { await engine.stop(); }
 */
export async function startEngine(options: StartEngineOptions): Promise<RunningEngine> {
  if (typeof options.model !== "string" || options.model === "") {
    throw new Error("startEngine: model must be a non-empty path or hub id");
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`startEngine: port must be an integer in [0, 65535], got ${port}`);
  }
  const token = options.token ?? randomBytes(32).toString("base64url");
  const environment = { ...pythonEnvironment(options.env), BOXED_ENGINE_TOKEN: token };
  const python = resolvePython(environment);
  const child = spawn(python, engineArguments(options), {
    env: environment,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const stderr = captureStderr(child, options.onStderr);
  const stop = stopper(child);
  try {
    const ready = await waitForReady(child, python, options.readyTimeoutMs ?? 180_000, stderr);
    const url = `http://${ready.host}:${ready.port}`;
    const client = new EngineClient({ url, token, timeoutMs: options.requestTimeoutMs });
    const health = await client.health();
    if (health.protocol !== PROTOCOL_VERSION) {
      throw new Error(`engine speaks protocol ${health.protocol}, this client protocol ${PROTOCOL_VERSION}`);
    }
    return { client, url, token, port: ready.port, pid: child.pid ?? -1, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function captureStderr(child: ChildProcess, onStderr?: (chunk: string) => void): () => string {
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
    onStderr?.(chunk);
  });
  return () => tail;
}

function waitForReady(
  child: ChildProcess,
  python: string,
  timeoutMs: number,
  stderrTail: () => string,
): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (reason: string) => {
      cleanup();
      const tail = stderrTail().trim();
      reject(
        new Error(`engine did not start: ${reason}${tail ? `\n--- engine stderr (tail) ---\n${tail}` : ""}`),
      );
    };
    const onLine = (line: string) => {
      const ready = parseReady(line);
      if (ready === undefined) return;
      cleanup();
      resolve(ready);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`the process exited (${signal ?? `code ${code}`}) before it was ready`);
    const onError = (error: Error) => fail(`could not spawn ${python}: ${error.message}`);
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      lines.off("line", onLine);
      child.off("exit", onExit);
      child.off("error", onError);
      // Keep draining stdout so the engine never blocks on a full pipe.
      child.stdout?.resume();
    }
    lines.on("line", onLine);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

function parseReady(line: string): { host: string; port: number } | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const event = ReadyEventSchema.safeParse(JSON.parse(trimmed));
    return event.success ? { host: event.data.host, port: event.data.port } : undefined;
  } catch {
    return undefined;
  }
}

/** `stop()` for a child: idempotent; SIGTERM, SIGKILL after 5 s; also kills it if this process exits first. */
function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
}
