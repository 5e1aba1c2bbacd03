/** `initModel`: writes a randomly initialised small HF model with `python -m boxed_engine.init_model`. */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { pythonEnvironment, resolvePython } from "./python.js";

export interface InitModelOptions {
  /** Output directory (created). */
  out: string;
  /** Size preset known to the engine, e.g. "tiny". */
  preset?: string;
  /** Seed of the initialisation: the same seed gives the same files. */
  seed?: number;
  env?: NodeJS.ProcessEnv;
  /** Default 10 minutes (the preset trains a small BPE tokenizer). */
  timeoutMs?: number;
}

export interface PythonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `python args...` to completion, collecting its output; rejects on spawn failure or timeout. */
export function runPython(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<PythonRun> {
  return new Promise((resolveRun, reject) => {
    const environment = pythonEnvironment(options.env);
    const python = resolvePython(environment);
    const child = spawn(python, args, {
      env: environment,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timeoutMs = options.timeoutMs ?? 600_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`python ${args.join(" ")} timed out after ${timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not spawn ${python}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Writes a deterministic, randomly initialised model (config.json, model.safetensors,
 * tokenizer.json, tokenizer_config.json with a chat template) into `out`.
 * @example await initModel({ out: "/tmp/tiny", preset: "tiny", seed: 0 });
 */
export async function initModel(options: InitModelOptions): Promise<{ out: string }> {
  if (typeof options.out !== "string" || options.out === "")
    throw new Error("initModel: out must be a non-empty path");
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`initModel: seed must be an integer, got ${seed}`);
  const out = resolve(options.out);
  const args = [
    "-m",
    "boxed_engine.init_model",
    "--out",
    out,
    "--preset",
    options.preset ?? "tiny",
    "--seed",
    String(seed),
  ];
  const run = await runPython(args, { env: options.env, timeoutMs: options.timeoutMs });
  if (run.code !== 0) {
    const tail = run.stderr.trim().slice(-2000);
    throw new Error(`initModel: python -m boxed_engine.init_model exited with code ${run.code}\n${tail}`);
  }
  return { out };
}
