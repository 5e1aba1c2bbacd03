/**
 * A small deterministic OpenAI-compatible server for tests and benchmarks (not a model): answers
 * /v1/models, /v1/chat/completions and /v1/completions after a fixed latency with `\boxed{d}`, d a
 * hash of (prompt, seed, choice) mod `answers`; injects faults (429, 500, dropped connections,
 * malformed JSON, slow responses) with a seeded generator; checks the API key; logs every request.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultRates {
  rateLimited?: number;
  serverError?: number;
  dropped?: number;
  malformed?: number;
  slow?: number;
}

export interface FakeServerOptions {
  latencyMs?: number;
  slowMs?: number;
  faults?: FaultRates;
  /** Every response is malformed JSON (for the bad-input test). */
  alwaysMalformed?: boolean;
  apiKey?: string;
  rejectN?: boolean;
  /** Keep each request's parsed body in the log (for checking what the client sent). */
  recordBodies?: boolean;
  answers?: number;
  /** Choices spend different token counts (12 + 2·(answer mod 4)) instead of 15 each. */
  unevenTokens?: boolean;
  seed?: number;
  port?: number;
}

export interface LoggedRequest {
  key: string;
  /** The last message's content (chat) or the prompt (completion), and the request's seed. */
  prompt?: string;
  seed?: number | null;
  n: number;
  body?: Record<string, unknown>;
  outcome: "ok" | "429" | "500" | "dropped" | "malformed" | "401" | "400";
}

export interface FakeServer {
  url: string;
  log: LoggedRequest[];
  close(): Promise<void>;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digest = (text: string) => createHash("sha256").update(text).digest().readUInt32BE(0);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}

function pickFault(random: () => number, faults: FaultRates): LoggedRequest["outcome"] | "slow" | null {
  let draw = random();
  for (const [name, outcome] of [
    ["rateLimited", "429"],
    ["serverError", "500"],
    ["dropped", "dropped"],
    ["malformed", "malformed"],
    ["slow", "slow"],
  ] as const) {
    const rate = faults[name] ?? 0;
    if (draw < rate) return outcome;
    draw -= rate;
  }
  return null;
}

function completion(body: Record<string, unknown>, answers: number, unevenTokens: boolean) {
  const chat = Array.isArray(body.messages);
  const prompt = chat ? JSON.stringify(body.messages) : String(body.prompt);
  const n = Number(body.n ?? 1);
  const seed = body.seed === undefined ? "none" : String(body.seed);
  let completionTokens = 0;
  const choices = Array.from({ length: n }, (_, index) => {
    const answer = digest(`${prompt}|${seed}|${index}`) % answers;
    const text = `Let me think about it step by step. The answer is \\boxed{${answer}}.`;
    const tokens = unevenTokens ? 12 + 2 * (answer % 4) : 15;
    completionTokens += tokens;
    // vLLM's return_token_ids extra: the choice's generated token ids.
    const ids =
      body.return_token_ids === true ? { token_ids: Array.from({ length: tokens }, (_, id) => id) } : {};
    return chat
      ? { index, message: { role: "assistant", content: text }, finish_reason: "stop", ...ids }
      : { index, text, finish_reason: "stop", ...ids };
  });
  const messages = chat ? (body.messages as { content: string }[]) : [];
  return {
    key: `${prompt}|${seed}`,
    prompt: chat ? messages[messages.length - 1].content : String(body.prompt),
    seed: body.seed === undefined ? null : Number(body.seed),
    n,
    response: {
      id: "fake",
      object: chat ? "chat.completion" : "text_completion",
      model: String(body.model),
      choices,
      usage: { prompt_tokens: 10, completion_tokens: completionTokens, total_tokens: 10 + completionTokens },
    },
  };
}

/** Starts the server on 127.0.0.1 (port 0 = any free port). */
export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const random = mulberry32(options.seed ?? 1);
  const log: LoggedRequest[] = [];
  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const raw = await readBody(request);
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      log.push({ key: "", n: 0, outcome: "401" });
      return send(response, 401, {
        error: { message: "Incorrect API key provided", type: "invalid_request_error" },
      });
    }
    // Like vLLM and the engine: the API lives under /v1 only (a base URL without it gets FastAPI's 404).
    if (!request.url?.startsWith("/v1/")) return send(response, 404, { detail: "Not Found" });
    if (request.url.endsWith("/models"))
      return send(response, 200, { object: "list", data: [{ id: "fake", object: "model" }] });
    const {
      key,
      prompt,
      seed,
      n,
      response: body,
    } = completion(JSON.parse(raw), options.answers ?? 5, options.unevenTokens === true);
    if (options.rejectN && n > 1) {
      log.push({ key, prompt, seed, n, outcome: "400" });
      return send(response, 400, { error: { message: "n > 1 is not supported" } });
    }
    const fault = options.alwaysMalformed ? "malformed" : pickFault(random, options.faults ?? {});
    await new Promise((resolve) =>
      setTimeout(resolve, fault === "slow" ? (options.slowMs ?? 1000) : (options.latencyMs ?? 0)),
    );
    if (fault === "dropped") {
      log.push({ key, prompt, seed, n, outcome: "dropped" });
      return request.socket.destroy();
    }
    if (fault === "429" || fault === "500") {
      log.push({ key, prompt, seed, n, outcome: fault });
      return send(response, Number(fault), {
        error: { message: fault === "429" ? "rate limited" : "internal error" },
      });
    }
    if (fault === "malformed") {
      log.push({ key, prompt, seed, n, outcome: "malformed" });
      response.writeHead(200, { "content-type": "application/json" });
      return response.end('{"choices": [ {"index": 0, "mess');
    }
    log.push({ key, prompt, seed, n, outcome: "ok", ...(options.recordBodies && { body: JSON.parse(raw) }) });
    send(response, 200, body);
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error) => send(response, 500, { error: { message: String(error) } }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
