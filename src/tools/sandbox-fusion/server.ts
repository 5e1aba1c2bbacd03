import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CodeSandbox } from "../types.js";
import { parseRunCodeRequest } from "./request.js";

/**
 * SandboxFusion's HTTP API over any CodeSandbox (`boxed sandbox serve`): `POST /run_code` with
 * its RunCodeRequest/RunCodeResponse, and `GET /v1/ping` → "pong" (sandbox/server/server.py).
 * Safe by default: loopback only, a bearer token, bodies and concurrent calls bounded.
 */
export interface SandboxServerOptions {
  host?: string;
  port?: number;
  /** Required as `Authorization: Bearer <token>`; `null` serves without one (loopback only). */
  token: string | null;
  /** Largest request body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Seconds to receive a whole request. Default 30. */
  requestTimeoutSeconds?: number;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export interface RunningSandboxServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startSandboxServer(
  sandbox: CodeSandbox,
  options: SandboxServerOptions,
): Promise<RunningSandboxServer> {
  const host = options.host ?? "127.0.0.1";
  if (options.token === null && !LOOPBACK.has(host)) {
    throw new Error(
      `serving on ${host} without a token would let anyone on the network run code: give a token`,
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const server = createServer((request, response) => {
    handle(sandbox, options.token, maxBodyBytes, request, response).catch((error: Error) =>
      reply(response, 500, { detail: error.message }),
    );
  });
  server.requestTimeout = (options.requestTimeoutSeconds ?? 30) * 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return { url, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function handle(
  sandbox: CodeSandbox,
  token: string | null,
  maxBodyBytes: number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (token !== null && !authorized(request.headers.authorization, token)) {
    return reply(response, 401, { detail: "missing or wrong bearer token" });
  }
  const path = new URL(request.url ?? "/", "http://local").pathname;
  if (request.method === "GET" && path === "/v1/ping") return reply(response, 200, "pong");
  if (path !== "/run_code")
    return reply(response, 404, { detail: `no route ${path} (routes: POST /run_code, GET /v1/ping)` });
  if (request.method !== "POST") return reply(response, 405, { detail: "/run_code takes POST" });
  const body = await readBody(request, maxBodyBytes);
  if (body === undefined) return reply(response, 413, { detail: `request body over ${maxBodyBytes} bytes` });
  let parsed: ReturnType<typeof parseRunCodeRequest>;
  try {
    parsed = parseRunCodeRequest(JSON.parse(body));
  } catch (error) {
    return reply(response, 422, { detail: (error as Error).message });
  }
  reply(response, 200, await sandbox.runCode(parsed));
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    "content-type": "application/json",
    connection: status === 413 ? "close" : "keep-alive",
  });
  response.end(JSON.stringify(body));
}
