import { z } from "zod";
import { rolloutSchema } from "./rollout/config.js";
import { toolsSchema } from "./tools/config.js";

/**
 * The training configuration: every field with its default and a one-line description. A config
 * file (YAML or JSON) gives any subset; CLI flags override it; the resolved config is written to
 * `<out>/config.json`. `describeConfig()` prints this documentation.
 */
const modelSchema = z
  .object({
    path: z
      .string()
      .default("tiny")
      .describe('HF model directory, or "tiny" to create the tiny preset in <out>/initial-model'),
    seed: z.int().default(0).describe('seed of the "tiny" model initialisation'),
    dtype: z.enum(["float32", "bfloat16"]).default("float32").describe("engine dtype"),
    loraRank: z.int().min(0).default(0).describe("LoRA rank; 0 = full fine-tuning"),
    loraAlpha: z.number().positive().default(32).describe("LoRA alpha"),
    loraTargets: z.string().default("q_proj,v_proj").describe("comma-separated LoRA target modules"),
  })
  .strict()
  .prefault({});

const engineSchema = z
  .object({
    processes: z
      .int()
      .min(1)
      .default(1)
      .describe("ranks of the engine started here; > 1 runs it under torchrun with FSDP2 (docs/engine.md)"),
    url: z
      .string()
      .regex(/^https?:\/\//, "must start with http:// or https://")
      .optional()
      .describe(
        "drive an engine already running at this URL (e.g. a torchrun job's rank 0) instead of starting one",
      ),
    tokenEnv: z
      .string()
      .default("BOXED_ENGINE_TOKEN")
      .describe("environment variable holding that engine's bearer token (kept out of config.json)"),
  })
  .strict()
  .prefault({});

const dataSchema = z
  .object({
    task: z
      .string()
      .default("addition")
      .describe("synthetic task name, benchmark name, or a .jsonl/.json/.csv file of {question, answer}"),
    difficulty: z.int().min(1).optional().describe("task difficulty knob (default: the task's own)"),
    steps: z.boolean().default(false).describe("whether task prompts expect step-by-step traces"),
    distractors: z.number().min(0).max(0.99).optional().describe("logic-puzzle distractor density"),
    operands: z
      .enum(["uniform", "by-digits"])
      .optional()
      .describe(
        'addition/arithmetic operands: "uniform" in [0, 10^difficulty) (default) or "by-digits" (digit count uniform)',
      ),
    template: z
      .string()
      .default("raw")
      .describe('prompt template: "raw" (the question as-is, no chat) or a registered template name'),
    curriculum: z
      .object({
        candidates: z.int().min(1).default(4).describe("problems drawn per chosen problem"),
        decay: z.number().min(0).lt(1).default(0.5).describe("EMA decay of each prompt's pass rate"),
        floor: z.number().min(0).default(0.01).describe("weight added to p(1 − p) so solved prompts return"),
      })
      .strict()
      .optional()
      .describe(
        "pass-rate curriculum (arXiv:2502.12272): prefer prompts with p(1 − p) high; off when absent",
      ),
  })
  .strict()
  .prefault({});

const samplingSchema = z
  .object({
    maxTokens: z.int().positive().default(8).describe("response length cap in tokens"),
    temperature: z.number().positive().default(1).describe("sampling temperature"),
    topP: z.number().gt(0).max(1).default(1).describe("nucleus sampling mass"),
    topK: z.int().min(0).default(0).describe("top-k; 0 = off"),
  })
  .strict()
  .prefault({});

const rewardSchema = z.object({
  name: z.string().describe("reward registry key"),
  weight: z.number().default(1).describe("weight in the summed reward"),
  options: z.record(z.string(), z.unknown()).default({}).describe("options passed to the reward"),
});

const lossSchema = z
  .object({
    name: z.string().default("ppo").describe("policy loss registry key (ppo, gspo, cispo, reinforce, ...)"),
    aggregation: z
      .enum(["token_mean", "seq_mean_token_mean", "seq_mean_token_sum", "seq_mean_token_sum_norm"])
      .default("token_mean")
      .describe("how per-token losses are averaged"),
    clipLow: z.number().min(0).optional().describe("ε_low (default: the loss's own, ppo 0.2)"),
    clipHigh: z.number().min(0).optional().describe("ε_high (default: clipLow; DAPO clip-higher 0.28)"),
    dualClip: z.number().optional().describe("dual-clip constant c (> 1), off when absent"),
    klCoef: z
      .number()
      .min(0)
      .default(0)
      .describe("KL-to-reference coefficient; > 0 keeps a frozen reference"),
    klEstimator: z.enum(["k1", "k2", "k3"]).default("k3").describe("KL estimator (Schulman 2020)"),
    entropyCoef: z
      .number()
      .min(0)
      .default(0)
      .describe("entropy bonus β: loss − β·H aggregated as the loss (per-token weights sent to the engine)"),
    options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("further policyLoss options (clipPositive, clipNegative, masteredProbability, maxLength)"),
  })
  .strict()
  .prefault({});

const optimizerSchema = z
  .object({
    learningRate: z.number().positive().default(3e-4).describe("AdamW peak learning rate"),
    beta1: z.number().min(0).max(1).default(0.9).describe("AdamW β1"),
    beta2: z.number().min(0).max(1).default(0.95).describe("AdamW β2"),
    weightDecay: z.number().min(0).default(0).describe("AdamW weight decay"),
    gradClip: z.number().positive().nullable().default(1).describe("gradient-norm clip; null = off"),
    schedule: z.string().default("constant").describe("learning-rate schedule: constant, linear, cosine"),
    warmupSteps: z.int().min(0).default(0).describe("linear warm-up steps"),
  })
  .strict()
  .prefault({});

const evalSchema = z
  .object({
    problems: z.int().min(0).default(100).describe("held-out problems (never used for training)"),
    seed: z.int().default(0).describe("seed of the held-out split (independent of the run's seed)"),
    samples: z.int().min(1).default(8).describe("samples per held-out problem (pass@k up to this)"),
    every: z.int().min(0).default(0).describe("evaluate every N steps; 0 = only before and after"),
    temperature: z.number().positive().default(1).describe("sampling temperature for evaluation"),
  })
  .strict()
  .prefault({});

export const trainConfigSchema = z
  .object({
    out: z
      .string()
      .min(1)
      .describe("run directory (config, metrics.jsonl, rollouts.jsonl, checkpoints, report)"),
    seed: z.int().default(0).describe("seed of data order and sampling"),
    steps: z.int().min(0).default(100).describe("training steps"),
    maxMinutes: z.number().positive().optional().describe("stop after this wall time (minutes)"),
    promptsPerStep: z.int().positive().default(32).describe("prompts (groups) per step"),
    groupSize: z.int().positive().default(8).describe("samples per prompt"),
    model: modelSchema,
    engine: engineSchema,
    data: dataSchema,
    sampling: samplingSchema,
    rewards: z
      .array(rewardSchema)
      .default([{ name: "correctness", weight: 1, options: {} }])
      .describe("reward terms, summed with their weights"),
    advantage: z
      .object({
        estimator: z.string().default("grpo").describe("advantage estimator registry key"),
        options: z.record(z.string(), z.unknown()).default({}).describe("estimator options"),
      })
      .strict()
      .prefault({}),
    loss: lossSchema,
    filters: z
      .array(
        z.object({
          name: z.string().describe("batch filter registry key"),
          options: z.record(z.string(), z.unknown()).default({}),
        }),
      )
      .default([])
      .describe("batch filters applied to groups (e.g. dynamic_sampling)"),
    refill: z.int().min(0).default(0).describe("extra sampling rounds to refill dropped groups (DAPO)"),
    maskTruncated: z
      .boolean()
      .default(false)
      .describe(
        "drop truncated responses from the loss (TRL mask_truncated_completions, DAPO overlong filter)",
      ),
    replay: z
      .object({
        capacity: z.int().positive().default(1024).describe("sequences kept"),
        exponent: z.number().min(0).default(1).describe("draw probability ∝ |A|^exponent"),
        minimum: z.number().min(0).default(0).describe("only sequences with |A| above this enter"),
      })
      .strict()
      .optional()
      .describe(
        "selective sample replay (arXiv:2504.08837) fills groups the filters dropped; off when absent",
      ),
    rolloutCorrection: z
      .object({
        mode: z.string().describe("rollout correction registry key (token_truncate, token_mask, ...)"),
        threshold: z.number().min(1).optional().describe("upper ratio bound C (default 2)"),
        lowerThreshold: z.number().min(0).max(1).optional().describe("lower ratio bound (default 1/C)"),
      })
      .strict()
      .optional()
      .describe("importance-sampling correction of the sampler–trainer mismatch; off when absent"),
    ppoEpochs: z.int().positive().default(1).describe("passes over each batch"),
    miniBatches: z.int().positive().default(1).describe("optimizer steps per pass"),
    optimizer: optimizerSchema,
    evaluation: evalSchema,
    checkpointEvery: z.int().min(0).default(25).describe("checkpoint every N steps; 0 = only at the end"),
    logRollouts: z.boolean().default(true).describe("write every rollout to rollouts.jsonl"),
    rollout: rolloutSchema,
    tools: toolsSchema,
  })
  .strict();

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** Validates a config object; errors name the field. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const result = trainConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new Error(`invalid training config: ${problems.join("; ")}`);
  }
  return result.data;
}

/** One line per field: dotted path, default, description — the documentation of the schema. */
export function describeConfig(): string[] {
  const lines: string[] = [];
  const visit = (schema: z.ZodType, path: string): void => {
    let inner: z.ZodType = schema;
    let fallback: unknown;
    for (let depth = 0; depth < 5; depth++) {
      const definition = (
        inner as unknown as { def: { type: string; innerType?: z.ZodType; defaultValue?: unknown } }
      ).def;
      if (definition.type === "default" || definition.type === "prefault")
        fallback ??= definition.defaultValue;
      if (!definition.innerType) break;
      inner = definition.innerType;
    }
    if (inner instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(inner.shape))
        visit(child as z.ZodType, path ? `${path}.${key}` : key);
      return;
    }
    const shown = fallback === undefined ? "(none)" : JSON.stringify(fallback);
    lines.push(`${path} = ${shown} — ${schema.description ?? inner.description ?? ""}`);
  };
  visit(trainConfigSchema, "");
  return lines;
}
