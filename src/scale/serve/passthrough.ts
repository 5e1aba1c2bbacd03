/**
 * Plain forwarding to the upstream over a keep-alive agent (raw bytes: a proxy relays what it gets,
 * so this is the one place that does not parse through the shared client). Streaming responses are
 * piped through as they arrive; a non-streaming 2xx body is checked to be JSON (a garbage answer
 * becomes a 502). Two limits end a stalled upstream with a 504: one until the response headers
 * (connect + first byte), one on the whole exchange. A client that goes away cancels the upstream request.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { ProxyError, sendError, upstreamFailure } from "./errors.js";

const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host"]);

export interface UpstreamTimeouts {
  /** The whole exchange, ms. */
  wholeMs: number;
  /** Until the response headers arrive, ms. */
  firstByteMs: number;
}

export class Upstream {
  private readonly agent: HttpAgent;
  private readonly secure: boolean;
  readonly base: URL;
  constructor(
    baseUrl: string,
    readonly apiKey: string | undefined,
    private readonly timeouts: UpstreamTimeouts,
  ) {
    this.base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    this.secure = this.base.protocol === "https:";
    const options = { keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024 };
    this.agent = this.secure ? new HttpsAgent(options) : new HttpAgent(options);
  }
  /** The upstream URL of a path under the base (`chat/completions`). */
  url(path: string): URL {
    let url = this.urls.get(path);
    if (!url) {
      url = new URL(path, this.base);
      this.urls.set(path, url);
    }
    return url;
  }
  private readonly urls = new Map<string, URL>();
  /** Forwards one request body and relays the answer to `response`. */
  forward(
    method: string,
    path: string,
    body: Buffer | null,
    clientResponse: ServerResponse,
    onClose: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = { "content-type": "application/json" };
      if (body) headers["content-length"] = body.length;
      if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
      const abort = new AbortController();
      const cancel = () => abort.abort();
      onClose.addEventListener("abort", cancel, { once: true });
      let timedOut: string | null = null;
      const expire = (what: string, ms: number) =>
        setTimeout(() => {
          timedOut = `upstream timed out: ${what} within ${ms / 1000} s (--upstream-timeout / --upstream-first-byte-timeout)`;
          abort.abort();
        }, ms);
      const whole = expire("no complete answer", this.timeouts.wholeMs);
      const firstByte = expire("no response headers", this.timeouts.firstByteMs);
      const finish = () => {
        clearTimeout(whole);
        clearTimeout(firstByte);
        onClose.removeEventListener("abort", cancel);
        resolve();
      };
      const send = this.secure ? httpsRequest : httpRequest;
      const upstream = send(
        this.url(path),
        { method, headers, agent: this.agent, signal: abort.signal },
        (answer) => {
          clearTimeout(firstByte);
          answer.on("error", () => {
            if (timedOut) endWithTimeout(clientResponse, timedOut);
          });
          relay(answer, clientResponse).then(finish, finish);
        },
      );
      upstream.on("error", (error) => {
        if (timedOut) endWithTimeout(clientResponse, timedOut);
        else if (!onClose.aborted)
          sendError(clientResponse, upstreamFailure(`upstream unreachable: ${error.message}`));
        finish();
      });
      upstream.end(body ?? undefined);
    });
  }
  close(): void {
    this.agent.destroy();
  }
}

/** A 504 when nothing was sent yet; else the relayed response is cut (the client sees a truncated body). */
function endWithTimeout(response: ServerResponse, message: string): void {
  if (response.headersSent) response.destroy();
  else sendError(response, new ProxyError(504, message, "upstream_error", "upstream_timeout"));
}

function responseHeaders(answer: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
  }
  return headers;
}

async function relay(answer: IncomingMessage, response: ServerResponse): Promise<void> {
  const status = answer.statusCode ?? 502;
  const streaming = String(answer.headers["content-type"] ?? "").includes("text/event-stream");
  if (streaming) {
    response.writeHead(status, responseHeaders(answer));
    answer.pipe(response);
    await new Promise((done) => answer.on("end", done).on("error", done));
    return;
  }
  const body = await collect(answer);
  try {
    JSON.parse(body.toString("utf8"));
  } catch {
    const message = `upstream answered HTTP ${status} with a body that is not JSON: ${body.toString("utf8").slice(0, 200)}`;
    sendError(
      response,
      status >= 200 && status < 300
        ? upstreamFailure(message)
        : new ProxyError(502, message, "upstream_error", `upstream_${status}`),
    );
    return;
  }
  response.writeHead(status, { ...responseHeaders(answer), "content-length": body.length });
  response.end(body);
}

/** The whole body of a stream (event listeners: cheaper per request than async iteration). */
export function collect(stream: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.removeAllListeners("data");
        stream.resume();
        reject(new ProxyError(413, `request body larger than ${limit} bytes`, "invalid_request_error"));
        return;
      }
      chunks.push(chunk);
    });
    stream.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}
