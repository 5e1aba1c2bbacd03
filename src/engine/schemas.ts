/**
 * Zod schemas and types for every request and response of the engine protocol, version 1
 * (`docs/engine-protocol.md`). Field names are the wire names (snake_case, Tinker's where one
 * exists). Requests are strict (an unknown field is an error, as on the engine side); responses
 * are checked for the fields the protocol promises.
 */
import { z } from "zod";

export const PROTOCOL_VERSION = 2;

const tokenId = z.number().int().nonnegative();
const tokenIds = z.array(tokenId);
const finite = z.number();
const perToken = z.array(finite);

function sameLengths(datum: {
  tokens: number[];
  target_tokens: number[];
  weights?: number[];
  entropy_weights?: number[];
}): boolean {
  if (datum.tokens.length !== datum.target_tokens.length) return false;
  if (datum.entropy_weights !== undefined && datum.entropy_weights.length !== datum.tokens.length)
    return false;
  return datum.weights === undefined || datum.weights.length === datum.tokens.length;
}
const lengthMessage = {
  message: "tokens, target_tokens (and weights, entropy_weights) must have the same length",
};

/**
 * Sampling temperature T > 0 (default 1): logits are divided by it before log-softmax, so the trainer
 * scores the tempered policy the sampler drew from (verl dp_actor `logits.div_(temperature)`; TRL
 * GRPOTrainer `_get_per_token_logps`).
 */
const temperature = finite.positive().optional();

/** One training or scoring example: `target_tokens[t]` is predicted from `tokens[..t]`. */
export const DatumSchema = z
  .strictObject({ tokens: tokenIds.min(1), target_tokens: tokenIds.min(1) })
  .refine(sameLengths, lengthMessage);
export type Datum = z.infer<typeof DatumSchema>;

/**
 * A datum with per-token weights (`weights = −∂loss/∂logp`) and optional entropy weights
 * (`entropy_weights = −∂loss/∂H`): the engine back-propagates −(Σ w·logp + Σ e·H).
 */
export const WeightedDatumSchema = z
  .strictObject({
    tokens: tokenIds.min(1),
    target_tokens: tokenIds.min(1),
    weights: perToken.min(1),
    entropy_weights: perToken.min(1).optional(),
  })
  .refine(sameLengths, lengthMessage);
export type WeightedDatum = z.infer<typeof WeightedDatumSchema>;

// ---- health, info -------------------------------------------------------------------------

export const HealthResponseSchema = z.object({ status: z.literal("ok"), protocol: z.number().int() });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

export const LoraInfoSchema = z.object({
  rank: z.number().int().positive(),
  alpha: finite,
  targets: z.array(z.string()),
});
/** `/info`'s `distributed`: the torchrun world of an FSDP2 engine (null for one plain process). */
export const DistributedInfoSchema = z.object({
  world_size: z.number().int().positive(),
  ranks_per_node: z.number().int().positive(),
  nodes: z.number().int().positive(),
  backend: z.string(),
  sharding: z.string(),
  dtype_policy: z.object({ master: z.string(), compute: z.string(), reduce: z.string() }),
  activation_checkpointing: z.boolean(),
  collective_timeout_s: finite,
  rank_parameter_bytes: z.array(z.number().int().nonnegative()),
});
export const InfoResponseSchema = z.object({
  model: z.string(),
  architecture: z.string(),
  parameters: z.number().int().nonnegative(),
  trainable_parameters: z.number().int().nonnegative(),
  device: z.string(),
  dtype: z.string(),
  lora: LoraInfoSchema.nullable(),
  reference: z.boolean(),
  vocab_size: z.number().int().positive(),
  max_context: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  distributed: DistributedInfoSchema.nullable().optional(),
});
export type InfoResponse = z.infer<typeof InfoResponseSchema>;

// ---- sample -------------------------------------------------------------------------------

export const SamplingParamsSchema = z.strictObject({
  max_tokens: z.number().int().positive(),
  temperature: finite.nonnegative().optional(),
  top_p: finite.gt(0).lte(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  stop_token_ids: tokenIds.optional(),
  seed: z.number().int().nullable().optional(),
});
export type SamplingParams = z.infer<typeof SamplingParamsSchema>;

export const SampleRequestSchema = z.strictObject({
  prompts: z.array(tokenIds.min(1)).min(1),
  num_samples: z.number().int().positive(),
  sampling_params: SamplingParamsSchema,
});
export type SampleRequest = z.infer<typeof SampleRequestSchema>;

export const StopReasonSchema = z.enum(["stop", "length"]);
export type StopReason = z.infer<typeof StopReasonSchema>;

/** One sampled continuation: `tokens` excludes the prompt and includes the stop token. */
export const SampledSequenceSchema = z.object({
  tokens: tokenIds,
  logprobs: perToken,
  stop_reason: StopReasonSchema,
});
export type SampledSequence = z.infer<typeof SampledSequenceSchema>;

/** `samples[prompt][sample]`. */
export const SampleResponseSchema = z.object({ samples: z.array(z.array(SampledSequenceSchema)) });
export type SampleResponse = z.infer<typeof SampleResponseSchema>;

// ---- logprobs -----------------------------------------------------------------------------

export const LogprobsRequestSchema = z.strictObject({
  data: z.array(DatumSchema).min(1),
  model: z.enum(["policy", "reference"]).optional(),
  entropy: z.boolean().optional(),
  temperature,
});
export type LogprobsRequest = z.infer<typeof LogprobsRequestSchema>;

/** `logprobs[datum][t]`, aligned with `target_tokens`; `entropies` when asked for. */
export const LogprobsResponseSchema = z.object({
  logprobs: z.array(perToken),
  entropies: z.array(perToken).optional(),
});
export type LogprobsResponse = z.infer<typeof LogprobsResponseSchema>;

// ---- training -----------------------------------------------------------------------------

export const ForwardBackwardRequestSchema = z.strictObject({
  data: z.array(WeightedDatumSchema).min(1),
  temperature,
});
export type ForwardBackwardRequest = z.infer<typeof ForwardBackwardRequestSchema>;

export const ForwardBackwardResponseSchema = z.object({
  loss: finite,
  logprobs: z.array(perToken),
  tokens: z.number().int().nonnegative(),
});
export type ForwardBackwardResponse = z.infer<typeof ForwardBackwardResponseSchema>;

export const ForwardRequestSchema = z.strictObject({ data: z.array(DatumSchema).min(1), temperature });
export type ForwardRequest = z.infer<typeof ForwardRequestSchema>;

/** `handle` names the kept graph; it is consumed by one `backward`. */
export const ForwardResponseSchema = z.object({ handle: z.string(), logprobs: z.array(perToken) });
export type ForwardResponse = z.infer<typeof ForwardResponseSchema>;

export const BackwardRequestSchema = z.strictObject({
  handle: z.string().min(1),
  weights: z.array(perToken).min(1),
  /** Per-token entropy weights, one row per datum of the forward (a handle keeps the entropies). */
  entropy_weights: z.array(perToken).min(1).optional(),
});
export type BackwardRequest = z.infer<typeof BackwardRequestSchema>;

export const BackwardResponseSchema = z.object({ loss: finite });
export type BackwardResponse = z.infer<typeof BackwardResponseSchema>;

/** AdamW hyper-parameters, Tinker's names; omitted fields take the engine's defaults. */
export const AdamParamsSchema = z.strictObject({
  learning_rate: finite.nonnegative(),
  beta1: finite.gte(0).lt(1).optional(),
  beta2: finite.gte(0).lt(1).optional(),
  eps: finite.positive().optional(),
  weight_decay: finite.nonnegative().optional(),
});
export type AdamParams = z.infer<typeof AdamParamsSchema>;

export const OptimStepRequestSchema = z.strictObject({
  adam_params: AdamParamsSchema,
  grad_clip_norm: finite.positive().nullable().optional(),
});
export type OptimStepRequest = z.infer<typeof OptimStepRequestSchema>;

export const OptimStepResponseSchema = z.object({
  grad_norm: finite,
  step: z.number().int().nonnegative(),
});
export type OptimStepResponse = z.infer<typeof OptimStepResponseSchema>;

export const EmptySchema = z.object({});

// ---- state --------------------------------------------------------------------------------

export const PathRequestSchema = z.strictObject({ path: z.string().min(1) });
export type PathRequest = z.infer<typeof PathRequestSchema>;

export const PathResponseSchema = z.object({ path: z.string() });
export type PathResponse = z.infer<typeof PathResponseSchema>;

export const LoadStateResponseSchema = z.object({ step: z.number().int().nonnegative() });
export type LoadStateResponse = z.infer<typeof LoadStateResponseSchema>;

// ---- errors -------------------------------------------------------------------------------

/** Body of every 4xx/5xx answer. */
export const ErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** The ready line the engine prints on stdout once it serves. */
export const ReadyEventSchema = z.object({
  event: z.literal("ready"),
  host: z.string(),
  port: z.number().int().positive(),
  protocol: z.number().int(),
});
export type ReadyEvent = z.infer<typeof ReadyEventSchema>;
