import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type PythonInstall, WORKER_ENVIRONMENT, workerCommand } from "./command.js";
import type { SandboxLimits } from "./limits.js";

/** What worker.py answers for one call (its `handle`), or a sandbox-side failure. */
export interface WorkerResult {
  status: "Finished" | "TimeLimitExceeded" | "Error";
  limit?: string | null;
  message?: string;
  execution_time?: number;
  return_code?: number | null;
  stdout?: string;
  stderr?: string;
  files?: Record<string, string>;
}

export interface WorkerCall {
  code: string;
  stdin?: string | null;
  files?: Record<string, string | null>;
  fetch_files?: string[];
  limits: SandboxLimits;
}

/** A worker's host folder is `${WORKER_FOLDER_PREFIX}${pid}-…` in tmpdir(): whose it is can be told. */
export const WORKER_FOLDER_PREFIX = "boxed-sandbox-";
/** Seconds the host waits past a call's wall limit before it kills the whole worker. */
const HOST_GRACE_SECONDS = 5;
const STARTUP_TIMEOUT_MS = 60_000;

/** One warm interpreter in its own namespaces (worker.py); runs one call at a time. */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private readonly rootDir: string;
  private readonly lines: AsyncIterator<string>;
  private stderrTail = "";
  private exited = false;
  readonly ready: Promise<void>;

  constructor(python: PythonInstall, workMb: number) {
    this.rootDir = mkdtempSync(join(tmpdir(), `${WORKER_FOLDER_PREFIX}${process.pid}-`));
    const [command, ...args] = workerCommand(python, this.rootDir, workMb, process.getuid?.() === 0);
    this.child = spawn(command!, args, { env: WORKER_ENVIRONMENT, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    this.child.on("exit", () => {
      this.exited = true;
      rmSync(this.rootDir, { recursive: true, force: true });
    });
    this.child.on("error", (error) => {
      this.stderrTail += `\n${error.message}`;
    });
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
    this.ready = this.nextLine(STARTUP_TIMEOUT_MS).then((line) => {
      if (!JSON.parse(line).ready) throw new Error(`sandbox worker did not start: ${line}`);
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one call; a worker that stops answering is killed and the call reported as a sandbox error. */
  async run(call: WorkerCall): Promise<WorkerResult> {
    const limits = {
      wall_seconds: call.limits.wallSeconds,
      cpu_seconds: Math.ceil(call.limits.cpuSeconds),
      memory_mb: Math.ceil(call.limits.memoryMb),
      max_processes: Math.ceil(call.limits.maxProcesses),
      max_file_mb: Math.ceil(call.limits.maxFileMb),
      max_output_bytes: Math.ceil(call.limits.maxOutputBytes),
    };
    this.child.stdin!.write(`${JSON.stringify({ ...call, limits })}\n`);
    try {
      return JSON.parse(
        await this.nextLine((call.limits.wallSeconds + HOST_GRACE_SECONDS) * 1000),
      ) as WorkerResult;
    } catch (error) {
      await this.close();
      return { status: "Error", message: (error as Error).message };
    }
  }

  private async nextLine(timeoutMs: number): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`sandbox worker gave no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const next = await Promise.race([this.lines.next(), timeout]);
      if (next.done) throw new Error(`sandbox worker exited: ${this.stderrTail.trim() || "no message"}`);
      return next.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the worker (its namespace, and every process in it, goes with it) and removes its folder. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await exited;
  }
}
