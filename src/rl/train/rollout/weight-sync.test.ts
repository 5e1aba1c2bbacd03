import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EngineClient } from "../../../engine/client.js";
import { remoteSampler } from "./remote-sampler.js";
import { exportVersion, serverRoot, type WeightSyncOptions } from "./weight-sync.js";

/** A scripted server for fault injection: answers each route with a fixed status and body, logs requests. */
interface Scripted {
  url: string;
  log: { path: string; body: Record<string, unknown>; authorization?: string }[];
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function scripted(routes: Record<string, [number, unknown]>): Promise<Scripted> {
  const log: Scripted["log"] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    const path = request.url ?? "";
    log.push({ path, body: text ? JSON.parse(text) : {}, authorization: request.headers.authorization });
    const [status, body] = routes[path] ?? [404, { error: { message: `no route ${path}` } }];
    response.writeHead(status, {
      "content-type": typeof body === "string" ? "text/plain" : "application/json",
    });
    response.end(typeof body === "string" ? body : JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, log };
}

/** The trainer side of a sync: only the export calls matter here. */
const trainer = {
  request: async () => ({ path: "" }),
  export: async (path: string) => ({ path }),
} as unknown as EngineClient;

function options(baseUrls: string[], mode: "lora" | "weights"): WeightSyncOptions {
  return {
    trainer,
    baseUrls,
    apiKey: "k",
    mode,
    directory: mkdtempSync(join(tmpdir(), "boxed-sync-")),
    model: "base",
    timeoutMs: 5_000,
  };
}

describe("weight sync against scripted servers", () => {
  it("lora: loads on every replica with the bearer key, then unloads the adapter before the previous one", async () => {
    const ok: [number, unknown] = [200, "Success: LoRA adapter 'x' added successfully."];
    const replicas = await Promise.all(
      [0, 1].map(() => scripted({ "/v1/load_lora_adapter": ok, "/v1/unload_lora_adapter": ok })),
    );
    const sync = options(
      replicas.map((replica) => replica.url),
      "lora",
    );
    const exported = await exportVersion(sync, 7);
    const result = await exported.load([
      { version: 5, model: "base-v5" },
      { version: 6, model: "base-v6" },
    ]);
    expect(result.model).toBe("base-v7");
    for (const replica of replicas) {
      expect(replica.log.map((entry) => [entry.path, entry.body])).toEqual([
        ["/v1/load_lora_adapter", { lora_name: "base-v7", lora_path: join(sync.directory, "v7") }],
        ["/v1/unload_lora_adapter", { lora_name: "base-v5" }],
      ]);
      expect(replica.log[0].authorization).toBe("Bearer k");
    }
  });

  it("an adapter already gone (404 on unload) is fine; a failed load names the server and its answer", async () => {
    const gone = await scripted({
      "/v1/load_lora_adapter": [200, "Success"],
      "/v1/unload_lora_adapter": [404, { error: { message: "cannot be found" } }],
    });
    const exported = await exportVersion(options([gone.url], "lora"), 2);
    await expect(
      exported.load([
        { version: 0, model: "base-v0" },
        { version: 1, model: "base-v1" },
      ]),
    ).resolves.toMatchObject({
      model: "base-v2",
    });
    const full = await scripted({
      "/v1/load_lora_adapter": [400, { error: { message: "max_loras reached" } }],
    });
    const failing = await exportVersion(options([full.url], "lora"), 3);
    await expect(failing.load([])).rejects.toThrow(/load_lora_adapter answered 400: .*max_loras reached/);
  });

  it("weights: SGLang's {success: false} is an error even with a 200", async () => {
    const disk = await scripted({
      "/update_weights_from_disk": [200, { success: false, message: "disk full", num_paused_requests: 0 }],
    });
    const exported = await exportVersion(options([disk.url], "weights"), 1);
    await expect(exported.load([])).rejects.toThrow(/update_weights_from_disk failed: disk full/);
    const fine = await scripted({ "/update_weights_from_disk": [200, { success: true, message: "ok" }] });
    await expect((await exportVersion(options([fine.url], "weights"), 1)).load([])).resolves.toMatchObject({
      model: "base",
    });
    expect(fine.log[0].body).toMatchObject({ weight_version: "1" });
  });

  it("serverRoot strips /v1 (SGLang's routes sit beside it)", () => {
    expect(serverRoot("http://h:30000/v1/")).toBe("http://h:30000");
    expect(serverRoot("http://h:30000")).toBe("http://h:30000");
  });

  it("a server whose completions carry no token ids is refused (responses are never re-tokenized)", async () => {
    const textOnly = await scripted({
      "/v1/completions": [
        200,
        {
          choices: [
            {
              index: 0,
              text: "12",
              finish_reason: "stop",
              logprobs: { tokens: ["1", "2"], token_logprobs: [-1, -2] },
            },
          ],
        },
      ],
    });
    const sampler = remoteSampler({ baseUrls: [textOnly.url], model: "base", requestTimeoutMs: 5_000 });
    const request = { prompts: [[1, 2, 3]], num_samples: 1, sampling_params: { max_tokens: 2 } };
    await expect(sampler.sample(request)).rejects.toThrow(/no token ids/);
    expect(textOnly.log[0].body).toMatchObject({
      prompt: [1, 2, 3],
      logprobs: 1,
      return_tokens_as_token_ids: true,
    });
  });
});
