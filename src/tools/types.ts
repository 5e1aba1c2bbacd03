/**
 * The code-execution API boxed speaks, in SandboxFusion's own names and shapes so that the local
 * sandbox, `boxed sandbox serve` and a remote SandboxFusion service are interchangeable.
 * Source: bytedance/SandboxFusion `sandbox/server/sandbox_api.py` (RunCodeRequest, RunStatus,
 * RunCodeResponse) and `sandbox/runners/types.py` (CommandRunStatus, CommandRunResult).
 */

/** `POST /run_code` body (RunCodeRequest). Only `code` and `language` are required. */
export interface RunCodeRequest {
  code: string;
  language: string;
  /** Seconds (SandboxFusion default 10). */
  run_timeout?: number;
  compile_timeout?: number;
  /** Megabytes; −1 = the sandbox's own limit (SandboxFusion default −1). */
  memory_limit_MB?: number;
  stdin?: string | null;
  /** Path (relative to the working directory) → base64 content, written before the run. */
  files?: Record<string, string | null>;
  /** Paths read back after the run, returned base64 in `files`. */
  fetch_files?: string[];
}

/** CommandRunStatus: the command ran to its end, could not run, or was stopped by its time limit. */
export type CommandRunStatus = "Finished" | "Error" | "TimeLimitExceeded";

export interface CommandRunResult {
  status: CommandRunStatus;
  /** Seconds. */
  execution_time?: number | null;
  return_code?: number | null;
  stdout?: string | null;
  stderr?: string | null;
}

/** RunStatus: all commands exited 0 / one failed or timed out / the sandbox itself failed. */
export type RunStatus = "Success" | "Failed" | "SandboxError";

export interface RunCodeResponse {
  status: RunStatus;
  message: string;
  compile_result?: CommandRunResult | null;
  run_result?: CommandRunResult | null;
  executor_pod_name?: string | null;
  files?: Record<string, string>;
}

/** Anything that runs code: the local sandbox pool, or a client of a SandboxFusion service. */
export interface CodeSandbox {
  runCode(request: RunCodeRequest): Promise<RunCodeResponse>;
  close(): Promise<void>;
}

/** Languages the local sandbox runs (SandboxFusion's `Language` names). */
export const LOCAL_LANGUAGES = ["python"] as const;

/** A tool error is any run that is not a clean success: non-zero exit, time limit, sandbox failure. */
export function isToolError(response: RunCodeResponse): boolean {
  return response.status !== "Success";
}
