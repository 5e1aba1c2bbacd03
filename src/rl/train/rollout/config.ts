import { z } from "zod";

/**
 * Where rollouts are sampled (`rollout` in the train config). "engine": the trainer's own engine,
 * synchronously (the default). "openai": OpenAI-compatible inference servers (vLLM, SGLang, another boxed
 * engine) that receive prompts as token ids and return token ids with sampler log-probs; the trainer pushes
 * its weights to them every `syncEvery` steps, and with `maxStaleness ≥ 1` samples the next step while
 * the current one trains.
 */
export const rolloutSchema = z
  .object({
    backend: z
      .enum(["engine", "openai"])
      .default("engine")
      .describe('"engine" (the trainer samples) or "openai" (inference servers at baseUrls)'),
    baseUrls: z
      .array(z.url())
      .default([])
      .describe("OpenAI-compatible base URLs (…/v1) of the rollout servers, round-robin"),
    apiKey: z.string().optional().describe("bearer token of the rollout servers (default: $OPENAI_API_KEY)"),
    model: z.string().optional().describe("served model name (default: the first one /v1/models lists)"),
    sync: z
      .enum(["lora", "weights"])
      .default("weights")
      .describe(
        '"lora": adapter → POST /v1/load_lora_adapter (vLLM); "weights": full export → POST /update_weights_from_disk (SGLang)',
      ),
    syncEvery: z.int().positive().default(1).describe("push the weights every N optimizer steps"),
    syncDir: z
      .string()
      .optional()
      .describe("folder the servers read the exported weights from (default <out>/weight-sync)"),
    maxStaleness: z
      .int()
      .min(0)
      .default(0)
      .describe(
        "0 = synchronous; k ≥ 1 samples step t+1 while step t trains and accepts batches up to k versions old",
      ),
    correction: z
      .enum(["drop", "correct"])
      .default("drop")
      .describe(
        'a batch older than maxStaleness: "drop" (sync, then sample it again) or "correct" (train with rolloutCorrection)',
      ),
    requestTimeoutSeconds: z.number().positive().default(600).describe("per-request timeout"),
  })
  .strict()
  .prefault({});

export type RolloutConfig = z.infer<typeof rolloutSchema>;

/** Checks that need other fields of the train config; returns one message per problem. */
export function rolloutProblems(rollout: RolloutConfig, context: { loraRank: number; correction: boolean }) {
  const problems: string[] = [];
  if (rollout.backend === "engine") {
    if (rollout.baseUrls.length > 0) problems.push('rollout.baseUrls needs rollout.backend "openai"');
    if (rollout.maxStaleness > 0)
      problems.push('rollout.maxStaleness > 0 needs rollout.backend "openai" (the engine samples in-line)');
    return problems;
  }
  if (rollout.baseUrls.length === 0) problems.push('rollout.backend "openai" needs rollout.baseUrls');
  if (rollout.sync === "lora" && context.loraRank === 0)
    problems.push('rollout.sync "lora" needs model.loraRank > 0 (use "weights" for full fine-tuning)');
  if (rollout.correction === "correct" && !context.correction)
    problems.push('rollout.correction "correct" needs rolloutCorrection (e.g. { mode: "token_truncate" })');
  return problems;
}

/**
 * The rollout settings that make a run what it is (a resume must keep them); where the servers are and
 * how to reach them (URLs, key, served name, sync folder, timeout) may change between sessions.
 */
export function rolloutIdentity(rollout: RolloutConfig) {
  const { backend, sync, syncEvery, maxStaleness, correction } = rollout;
  return { backend, sync, syncEvery, maxStaleness, correction };
}

/** The config as boxed writes it (config.json, report.html): the servers' API key is never written. */
export function withoutSecrets<T extends { rollout: RolloutConfig }>(config: T): T {
  if (config.rollout.apiKey === undefined) return config;
  return { ...config, rollout: { ...config.rollout, apiKey: "(set, not written)" } };
}
