/**
 * Plain forwarding to the upstream over a keep-alive agent. Streaming responses are piped through as
 * they arrive; a non-streaming 2xx body is checked to be JSON (a garbage answer becomes a 502 error).
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

export class Upstream {
  private readonly agent: HttpAgent;
  private readonly secure: boolean;
  readonly base: URL;
  constructor(
    baseUrl: string,
    readonly apiKey?: string,
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
      const send = this.secure ? httpsRequest : httpRequest;
      const upstream = send(
        this.url(path),
        { method, headers, agent: this.agent, signal: onClose },
        (answer) => {
          relay(answer, clientResponse).then(resolve, resolve);
        },
      );
      upstream.on("error", (error) => {
        if (!onClose.aborted)
          sendError(clientResponse, upstreamFailure(`upstream unreachable: ${error.message}`));
        resolve();
      });
      upstream.end(body ?? undefined);
    });
  }
  close(): void {
    this.agent.destroy();
  }
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
