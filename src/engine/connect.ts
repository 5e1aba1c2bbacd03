/**
 * An engine that is already running elsewhere (a cluster job's rank 0 under torchrun, say), driven
 * through the same `RunningEngine` shape as one `startEngine` spawned: `stop()` leaves it running.
 */
import { EngineClient } from "./client.js";
import type { RunningEngine } from "./process.js";
import { PROTOCOL_VERSION } from "./schemas.js";

export interface ConnectEngineOptions {
  /** Base URL of the engine, e.g. `http://node0:8000`. */
  url: string;
  /** Bearer token the engine requires (its BOXED_ENGINE_TOKEN or `--token-file`; none with `--no-auth`). */
  token?: string;
  /** Per-request timeout of the client. */
  requestTimeoutMs?: number;
}

/**
 * Checks the engine at `url` answers `/health` with this client's protocol and returns a handle on it.
 * @example
 *   const engine = await connectEngine({ url: "http://node0:8000", token: process.env.BOXED_ENGINE_TOKEN });
 */
export async function connectEngine(options: ConnectEngineOptions): Promise<RunningEngine> {
  const client = new EngineClient({
    url: options.url,
    token: options.token,
    timeoutMs: options.requestTimeoutMs,
  });
  const health = await client.health().catch((error: unknown) => {
    throw new Error(`engine at ${options.url} did not answer /health: ${(error as Error).message}`);
  });
  if (health.protocol !== PROTOCOL_VERSION) {
    throw new Error(
      `engine at ${options.url} speaks protocol ${health.protocol}, this client ${PROTOCOL_VERSION}`,
    );
  }
  const port = Number(new URL(client.url).port) || (client.url.startsWith("https:") ? 443 : 80);
  // Not our process: it never "exits" from here (failures surface as request errors) and stop() leaves it be.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(() => undefined);
  return {
    client,
    url: client.url,
    token: options.token ?? "",
    port,
    pid: -1,
    exited,
    stop: async () => undefined,
  };
}
