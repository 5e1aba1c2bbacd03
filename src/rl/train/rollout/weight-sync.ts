import { rmSync } from "node:fs";
import { join } from "node:path";
import type { EngineClient } from "../../../engine/client.js";

export interface WeightSyncOptions {
  /** The training engine (exports the weights). */
  trainer: EngineClient;
  /** The rollout servers' OpenAI base URLs (…/v1). */
  baseUrls: string[];
  apiKey?: string;
  mode: "lora" | "weights";
  /** A folder every server can read (the export lands in `<directory>/v<version>`). */
  directory: string;
  /** Served name of the base model; LoRA versions are served as `<model>-v<version>`. */
  model: string;
  timeoutMs: number;
}

export interface SyncResult {
  /** The model name to sample with from now on. */
  model: string;
  /** Seconds the trainer spent exporting. */
  exportSeconds: number;
}

/** The server's root URL (routes such as SGLang's /update_weights_from_disk sit beside /v1). */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
}

async function post(url: string, body: unknown, options: WeightSyncOptions): Promise<string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new Error(`weight sync: ${url} unreachable: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw Object.assign(new Error(`weight sync: ${url} answered ${response.status}: ${text.slice(0, 300)}`), {
      status: response.status,
    });
  }
  return text;
}

/** An adapter the server no longer has (404) is already unloaded; any other failure is an error. */
function unlessGone(error: { status?: number }): string {
  if (error.status === 404) return "";
  throw error;
}

/**
 * Pushes the trainer's weights of `version` to every rollout server, in two phases so that the export
 * (trainer side) can overlap sampling still running on the servers: `exportVersion` writes the files,
 * the returned `load` makes every server serve them.
 * - lora: `/export_adapter` (PEFT adapter, safetensors) → `POST /v1/load_lora_adapter {lora_name, lora_path}`
 *   (vLLM, vllm/entrypoints/openai/serving_models.py: 200 with a plain-text "Success: …"), then the
 *   version before the previous one is unloaded (`/v1/unload_lora_adapter {lora_name}`), so a request
 *   still running on the previous adapter keeps it.
 * - weights: `/export` (HF directory, model.safetensors) → `POST /update_weights_from_disk {model_path,
 *   weight_version}` (SGLang, python/sglang/srt/entrypoints/http_server.py: `{success, message,
 *   num_paused_requests}`, success must be true).
 */
export async function exportVersion(options: WeightSyncOptions, version: number) {
  const started = performance.now();
  const path = join(options.directory, `v${version}`);
  if (options.mode === "lora") await options.trainer.request("POST", "/export_adapter", { path });
  else await options.trainer.export(path);
  const exportSeconds = (performance.now() - started) / 1000;
  return {
    exportSeconds,
    load: (previous: { version: number; model: string }[]): Promise<SyncResult> =>
      loadVersion(options, version, path, previous).then((model) => ({ model, exportSeconds })),
  };
}

async function loadVersion(
  options: WeightSyncOptions,
  version: number,
  path: string,
  previous: { version: number; model: string }[],
): Promise<string> {
  const roots = options.baseUrls.map(serverRoot);
  if (options.mode === "weights") {
    await Promise.all(
      roots.map(async (root) => {
        const body = { model_path: path, weight_version: String(version) };
        const answer = JSON.parse(await post(`${root}/update_weights_from_disk`, body, options));
        if (answer?.success !== true) {
          throw new Error(`weight sync: ${root}/update_weights_from_disk failed: ${answer?.message}`);
        }
      }),
    );
    for (const old of previous.slice(0, -1))
      rmSync(join(options.directory, `v${old.version}`), { recursive: true, force: true });
    return options.model;
  }
  const name = `${options.model}-v${version}`;
  await Promise.all(
    roots.map((root) => post(`${root}/v1/load_lora_adapter`, { lora_name: name, lora_path: path }, options)),
  );
  for (const old of previous.slice(0, -1)) {
    if (old.model === options.model) continue; // the base model is never unloaded
    await Promise.all(
      roots.map((root) =>
        post(`${root}/v1/unload_lora_adapter`, { lora_name: old.model }, options).catch(unlessGone),
      ),
    );
    rmSync(join(options.directory, `v${old.version}`), { recursive: true, force: true });
  }
  return name;
}
