import type { CodeSandbox, RunCodeRequest, RunCodeResponse } from "../types.js";

/**
 * Client of a SandboxFusion service (or `boxed sandbox serve`): `POST {url}/run_code`.
 * A transport failure or a non-200 answer becomes a `SandboxError` response naming it, so that a
 * rollout records a tool error instead of crashing.
 */
export interface SandboxFusionClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8080 (the service's root, where /run_code lives). */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  /** Per-request timeout, ms; default: the call's run_timeout + 30 s. */
  timeoutMs?: number;
}
const OPTION_KEYS = ["url", "token", "timeoutMs"];

export class SandboxFusionClient implements CodeSandbox {
  private readonly endpoint: string;

  constructor(private readonly options: SandboxFusionClientOptions) {
    const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.includes(key));
    if (unknown.length > 0)
      throw new Error(
        `unknown SandboxFusion client option(s) ${unknown.join(", ")} (known: ${OPTION_KEYS.join(", ")})`,
      );
    this.endpoint = `${new URL(options.url).href.replace(/\/+$/, "")}/run_code`;
  }

  async runCode(request: RunCodeRequest): Promise<RunCodeResponse> {
    const timeoutMs = this.options.timeoutMs ?? ((request.run_timeout ?? 10) + 30) * 1000;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return sandboxError(`SandboxFusion at ${this.endpoint} unreachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok)
      return sandboxError(
        `SandboxFusion at ${this.endpoint} answered ${response.status}: ${text.slice(0, 500)}`,
      );
    try {
      return JSON.parse(text) as RunCodeResponse;
    } catch {
      return sandboxError(`SandboxFusion at ${this.endpoint} answered non-JSON: ${text.slice(0, 200)}`);
    }
  }

  async close(): Promise<void> {}
}

function sandboxError(message: string): RunCodeResponse {
  return { status: "SandboxError", message, run_result: null };
}
