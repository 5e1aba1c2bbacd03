import { availableParallelism } from "node:os";
import { resolvePython } from "../../engine/python.js";
import { type CodeSandbox, LOCAL_LANGUAGES, type RunCodeRequest, type RunCodeResponse } from "../types.js";
import { locatePython, type PythonInstall } from "./command.js";
import { callLimits, resolveLimits, type SandboxLimits } from "./limits.js";
import { WorkerProcess, type WorkerResult } from "./worker-process.js";

export interface LocalSandboxOptions {
  /** Warm interpreters, i.e. calls run at once. Default: the machine's cores. */
  workers?: number;
  limits?: Partial<SandboxLimits>;
  /** Interpreter with numpy and sympy. Default: the project's (`$BOXED_PYTHON` or `.venv/bin/python`). */
  python?: string;
}
const OPTION_KEYS = ["workers", "limits", "python"];

/**
 * The local sandbox: a pool of warm worker processes (worker.py, numpy and sympy imported), each
 * isolated as `command.ts` describes; a call forks from a warm worker, so it costs milliseconds.
 * A worker that dies or stops answering is replaced.
 */
export class LocalSandbox implements CodeSandbox {
  private readonly idle: WorkerProcess[] = [];
  private readonly waiting: { resolve: (worker: WorkerProcess) => void; reject: (error: Error) => void }[] =
    [];
  /** Set when no worker is left and a replacement failed to start. */
  private broken: Error | undefined;
  private readonly all = new Set<WorkerProcess>();
  private closed = false;

  private constructor(
    private readonly python: PythonInstall,
    readonly limits: SandboxLimits,
  ) {}

  /** Starts the pool and waits until every worker is warm. */
  static async start(options: LocalSandboxOptions = {}): Promise<LocalSandbox> {
    const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.includes(key));
    if (unknown.length > 0)
      throw new Error(`unknown sandbox option(s) ${unknown.join(", ")} (known: ${OPTION_KEYS.join(", ")})`);
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(`sandbox workers must be an integer ≥ 1, got ${workers}`);
    const sandbox = new LocalSandbox(
      await locatePython(options.python ?? resolvePython()),
      resolveLimits(options.limits),
    );
    try {
      await Promise.all(Array.from({ length: workers }, () => sandbox.addWorker()));
    } catch (error) {
      await sandbox.close();
      throw error;
    }
    return sandbox;
  }

  async runCode(request: RunCodeRequest): Promise<RunCodeResponse> {
    if (!(LOCAL_LANGUAGES as readonly string[]).includes(request.language)) {
      return sandboxError(
        `language "${request.language}" is not supported (supported: ${LOCAL_LANGUAGES.join(", ")})`,
      );
    }
    if (this.closed) return sandboxError("the sandbox is closed");
    let worker: WorkerProcess;
    try {
      worker = await this.acquire();
    } catch (error) {
      return sandboxError((error as Error).message);
    }
    let result: WorkerResult;
    try {
      const limits = callLimits(this.limits, request.run_timeout, request.memory_limit_MB);
      result = await worker.run({ ...request, limits });
    } finally {
      this.release(worker);
    }
    return toResponse(result);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((worker) => worker.close()));
    this.all.clear();
    this.idle.length = 0;
  }

  private async addWorker(): Promise<void> {
    const worker = new WorkerProcess(this.python, this.limits.workMb);
    this.all.add(worker);
    try {
      await worker.ready;
    } catch (error) {
      this.all.delete(worker);
      await worker.close();
      throw error;
    }
    this.release(worker);
  }

  private acquire(): Promise<WorkerProcess> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const worker = this.idle.pop();
    if (worker !== undefined) return Promise.resolve(worker);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(worker: WorkerProcess): void {
    if (this.closed) return;
    if (!worker.alive) {
      this.all.delete(worker);
      this.addWorker().catch((error) => this.replacementFailed(error as Error));
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) next.resolve(worker);
    else this.idle.push(worker);
  }

  /** The pool runs on with the workers it has; with none left, every waiting call gets the error. */
  private replacementFailed(error: Error): void {
    if (this.all.size > 0) return;
    this.broken = new Error(`no sandbox worker could be started: ${error.message}`);
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.broken);
  }
}

function sandboxError(message: string): RunCodeResponse {
  return { status: "SandboxError", message, run_result: null };
}

/** worker.py's result in SandboxFusion's response shape (its parse_run_status rules). */
function toResponse(result: WorkerResult): RunCodeResponse {
  if (result.status === "Error") return sandboxError(result.message ?? "sandbox error");
  const run_result = {
    status: result.status,
    execution_time: result.execution_time ?? null,
    return_code: result.return_code ?? null,
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
  };
  const failed = result.status !== "Finished" || result.limit != null || result.return_code !== 0;
  return {
    status: failed ? "Failed" : "Success",
    message: result.limit ?? "",
    compile_result: null,
    run_result,
    executor_pod_name: null,
    files: result.files ?? {},
  };
}
