import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineClient } from "./client.js";
import { EngineError } from "./errors.js";

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/** A fake engine: records each request and answers from a table keyed by path. */
function fakeEngine(routes: Record<string, (body: unknown) => { status: number; body: unknown }>) {
  const recorded: Recorded[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = "";
    request.on("data", (chunk) => {
      text += chunk;
    });
    request.on("end", () => {
      const body = text === "" ? undefined : JSON.parse(text);
      recorded.push({
        method: request.method!,
        url: request.url!,
        authorization: request.headers.authorization,
        body,
      });
      const route = routes[request.url!];
      if (route === undefined) return; // never answers: exercises the timeout
      const answer = route(body);
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  return { server, recorded };
}

const sampleAnswer = {
  samples: [[{ tokens: [5, 6, 2], logprobs: [-0.5, -1.25, -0.1], stop_reason: "stop" }]],
};

describe("EngineClient", () => {
  let server: Server;
  let recorded: Recorded[];
  let url: string;

  beforeAll(async () => {
    const fake = fakeEngine({
      "/health": () => ({ status: 200, body: { status: "ok", protocol: 2 } }),
      "/sample": () => ({ status: 200, body: sampleAnswer }),
      "/logprobs": () => ({
        status: 422,
        body: {
          error: { message: "token id 999 out of vocabulary", type: "invalid_request_error", param: "data" },
        },
      }),
      "/optim_step": () => ({ status: 200, body: { grad_norm: "big", step: 1 } }),
      "/zero_grad": () => ({ status: 500, body: "Internal Server Error" }),
      "/load_state": () => ({ status: 200, body: { step: 7 } }),
    });
    server = fake.server;
    recorded = fake.recorded;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends typed requests with the bearer token and parses answers", async () => {
    const client = new EngineClient({ url: `${url}/`, token: "secret" });
    expect(await client.health()).toEqual({ status: "ok", protocol: 2 });
    const request = {
      prompts: [[1, 2, 3]],
      num_samples: 1,
      sampling_params: { max_tokens: 3, temperature: 0.7 },
    };
    expect(await client.sample(request)).toEqual(sampleAnswer);
    expect(await client.loadState("/tmp/state")).toEqual({ step: 7 });
    const last = recorded.at(-1)!;
    expect(last).toMatchObject({ method: "POST", url: "/load_state", authorization: "Bearer secret" });
    expect(last.body).toEqual({ path: "/tmp/state" });
    expect(recorded.find((entry) => entry.url === "/sample")!.body).toEqual(request);
  });

  it("turns an error answer into an EngineError with status, type, param and message", async () => {
    const client = new EngineClient({ url });
    const error = await client.logprobs({ data: [{ tokens: [999], target_tokens: [1] }] }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error.status).toBe(422);
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe("data");
    expect(error.message).toContain("token id 999 out of vocabulary");
    expect(error.message).toContain("/logprobs");
  });

  it("reports a non-protocol error body verbatim", async () => {
    const error = await new EngineClient({ url }).zeroGrad().catch((e) => e);
    expect(error).toMatchObject({ status: 500, type: "http_error" });
    expect(error.message).toContain("Internal Server Error");
  });

  it("rejects an answer outside the protocol", async () => {
    const error = await new EngineClient({ url })
      .optimStep({ adam_params: { learning_rate: 1e-3 } })
      .catch((e) => e);
    expect(error).toMatchObject({ type: "invalid_response" });
    expect(error.message).toContain("grad_norm");
  });

  it("refuses bad requests before sending, naming the field", async () => {
    const client = new EngineClient({ url });
    const before = recorded.length;
    const cases: [Promise<unknown>, string][] = [
      [client.logprobs({ data: [{ tokens: [1, 2], target_tokens: [2] }] }), "same length"],
      [
        client.forwardBackward({ data: [{ tokens: [1], target_tokens: [2], weights: [Number.NaN] }] }),
        "weights",
      ],
      [client.sample({ prompts: [[1]], num_samples: 0, sampling_params: { max_tokens: 4 } }), "num_samples"],
      [client.sample({ prompts: [[-1]], num_samples: 1, sampling_params: { max_tokens: 4 } }), "prompts"],
      [client.saveState(""), "path"],
    ];
    for (const [promise, field] of cases) {
      const error = (await promise.catch((e: EngineError) => e)) as EngineError;
      expect(error).toBeInstanceOf(EngineError);
      expect(error.type).toBe("invalid_request");
      expect(error.message).toContain(field);
    }
    expect(recorded.length).toBe(before);
    // The raw request skips the client-side check.
    expect(await client.request("POST", "/load_state", { path: "" })).toEqual({ step: 7 });
    expect(recorded.length).toBe(before + 1);
    const unknownField = {
      prompts: [[1]],
      num_samples: 1,
      sampling_params: { max_tokens: 1, temprature: 1 },
    };
    const error = await client.sample(unknownField as never).catch((e) => e);
    expect(error.message).toContain("temprature");
  });

  it("times out a request that gets no answer", async () => {
    const client = new EngineClient({ url, timeoutMs: 200 });
    const error = await client.info().catch((e) => e);
    expect(error).toMatchObject({ status: 0, type: "timeout" });
    expect(error.message).toContain("timed out after 200 ms");
  });

  it("reports an unreachable engine as a transport error", async () => {
    const error = await new EngineClient({ url: "http://127.0.0.1:1" }).health().catch((e) => e);
    expect(error).toMatchObject({ status: 0, type: "transport" });
  });

  it("validates its own options", () => {
    expect(() => new EngineClient({ url: "localhost:80" })).toThrow(/url must start with http/);
    expect(() => new EngineClient({ url, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
