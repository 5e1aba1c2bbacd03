import { join, resolve } from "node:path";
import type { EngineClient } from "../../../engine/client.js";
import { OpenAISampler } from "../../../sample/openai-sampler.js";
import type { RolloutConfig } from "./config.js";
import { type PlainRound, RolloutPipeline } from "./pipeline.js";
import { remoteSampler } from "./remote-sampler.js";
import { exportVersion, type WeightSyncOptions } from "./weight-sync.js";

export interface CreateRolloutOptions {
  rollout: RolloutConfig;
  /** The run directory (the default sync folder is `<out>/weight-sync`). */
  out: string;
  trainer: EngineClient;
  lastStep: number;
  trainerVersion: number;
  plainRound: PlainRound;
  onRetry?: (message: string, attempt: number) => void;
}

/**
 * The rollout pipeline of an `openai` backend, started: servers checked (`GET /v1/models`; the served
 * name is `rollout.model` or the first listed) and serving the trainer's current weights. Undefined for
 * the `engine` backend (the loop samples on its own engine, as before).
 */
export async function createRollout(options: CreateRolloutOptions): Promise<RolloutPipeline | undefined> {
  const { rollout } = options;
  if (rollout.backend === "engine") return undefined;
  const apiKey = rollout.apiKey ?? process.env.OPENAI_API_KEY;
  const requestTimeoutMs = rollout.requestTimeoutSeconds * 1000;
  const model = rollout.model ?? (await servedModel(rollout.baseUrls, apiKey));
  const sync: WeightSyncOptions = {
    trainer: options.trainer,
    baseUrls: rollout.baseUrls,
    apiKey,
    mode: rollout.sync,
    directory: resolve(rollout.syncDir ?? join(options.out, "weight-sync")),
    model,
    timeoutMs: requestTimeoutMs,
  };
  let loaded: { version: number; model: string }[] = [];
  const pipeline = new RolloutPipeline({
    rollout,
    lastStep: options.lastStep,
    trainerVersion: options.trainerVersion,
    plainRound: options.plainRound,
    samplerFor: (name) =>
      remoteSampler({
        baseUrls: rollout.baseUrls,
        model: name,
        apiKey,
        requestTimeoutMs,
        onRetry: options.onRetry,
      }),
    sync: async (version) => {
      const exported = await exportVersion(sync, version);
      return {
        exportSeconds: exported.exportSeconds,
        load: async () => {
          const result = await exported.load(loaded);
          loaded = [...loaded.slice(-1), { version, model: result.model }];
          return result;
        },
      };
    },
  });
  await pipeline.start();
  return pipeline;
}

/** The first model every server lists; servers that list none are asked for the first one's name. */
async function servedModel(baseUrls: string[], apiKey: string | undefined): Promise<string> {
  const lists = await new OpenAISampler({ baseUrls, model: "", apiKey }).preflight();
  const name = lists.find((list) => list.length > 0)?.[0];
  if (name === undefined) {
    throw new Error(`rollout.model: no server at ${baseUrls.join(", ")} lists a model; set rollout.model`);
  }
  return name;
}
