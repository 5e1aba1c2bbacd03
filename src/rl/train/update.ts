import type { EngineClient } from "../../engine/client.js";
import { rolloutCorrection, samplerTrainerKl } from "../correction/rollout-correction.js";
import { entropyWeights } from "../losses/entropy-bonus.js";
import { policyLoss } from "../losses/policy-loss.js";
import type { PolicyLossOptions } from "../losses/types.js";
import {
  responseAdvantages,
  responseMask,
  responsePart,
  sampledMask,
  sequenceEntropyWeights,
  sequenceWeights,
  splitIntoChunks,
  type TrainingSequence,
} from "./batch.js";

/** Rollout correction settings (`rolloutCorrections` mode and its thresholds). */
export interface CorrectionOptions {
  mode: string;
  threshold?: number;
  lowerThreshold?: number;
}

export interface UpdateOptions {
  client: EngineClient;
  sequences: TrainingSequence[];
  loss: PolicyLossOptions;
  /** β of the entropy bonus −β·agg(H), aggregated as the loss is; 0 = off. */
  entropyCoef: number;
  /** The sampling temperature: the trainer scores log softmax(z / T), as the sampler did. */
  temperature: number;
  ppoEpochs: number;
  miniBatches: number;
  learningRate: number;
  adam: { beta1: number; beta2: number; weightDecay: number };
  gradClip: number | null;
  /** Needs a frozen reference in the engine (`--reference copy` or LoRA). */
  useReference: boolean;
  /** Importance-sampling correction of the sampler–trainer mismatch (off when absent). */
  rolloutCorrection?: CorrectionOptions;
}

type PerSequence = Map<TrainingSequence, number[]>;

function meanOf(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Response log-probs of every sequence under the current policy at temperature T (no graph kept). */
async function scoreResponses(
  client: EngineClient,
  sequences: TrainingSequence[],
  temperature: number,
  model: "policy" | "reference",
): Promise<PerSequence> {
  const response = await client.logprobs({
    data: sequences.map((sequence) => sequence.datum),
    model,
    temperature,
  });
  return new Map(
    sequences.map((sequence, index) => [sequence, responsePart(sequence, response.logprobs[index])]),
  );
}

/**
 * What the batch looks like before any update, measured once: the sampler–trainer mismatch
 * KL(π_sampler‖π_trainer) over every token sampled this step (k1 and k3, Schulman 2020; replayed
 * sequences are left out, their gap is staleness, not mismatch), and, when configured,
 * the rollout correction's per-token weights and mask. With a correction π_old becomes the trainer's
 * pre-update log-probs and the weights carry π_old/π_sampler (verl's decoupled rollout IS).
 */
function beforeUpdate(sequences: TrainingSequence[], trainer: PerSequence, correction?: CorrectionOptions) {
  const input = {
    trainerLogprobs_S_T: sequences.map((sequence) => trainer.get(sequence)!),
    samplerLogprobs_S_T: sequences.map((sequence) => sequence.samplerLogprobs),
    mask_S_T: sequences.map(sampledMask),
  };
  // Tool-output tokens were not sampled (mask 0): no sampler log-prob, so no mismatch to measure.
  const kl = samplerTrainerKl({
    ...input,
    mask_S_T: sequences.map((sequence, index) =>
      input.mask_S_T[index].map((sampled) => (sequence.offPolicy ? 0 : sampled)),
    ),
  });
  const metrics: Record<string, number> = {
    samplerTrainerKl: kl.samplerKlK1,
    samplerTrainerKlK3: kl.samplerKlK3,
  };
  if (correction === undefined) return { metrics };
  const result = rolloutCorrection({ ...input, mask_S_T: sequences.map(responseMask) }, correction);
  for (const name of ["maskedFraction", "truncatedFraction", "weightMean"]) {
    metrics[`correction${name[0].toUpperCase()}${name.slice(1)}`] = result.metrics[name];
  }
  const weights: PerSequence = new Map(
    sequences.map((sequence, index) => [sequence, result.weights_S_T[index]]),
  );
  const masks: PerSequence = new Map(sequences.map((sequence, index) => [sequence, result.mask_S_T[index]]));
  return { metrics, weights, masks, oldLogprobs: trainer };
}

/** Token mean of log π_sampler − log π_current: how far the updates moved the policy from the sampler. */
function drift(chunk: TrainingSequence[], current_S_T: number[][]): number {
  const differences = chunk.flatMap((sequence, index) => {
    const sampled = sampledMask(sequence);
    return sequence.samplerLogprobs
      .map((value, token) => value - current_S_T[index][token])
      .filter((_, token) => sampled[token] === 1);
  });
  return meanOf(differences);
}

/**
 * The policy update of one step: for each epoch and mini-batch, one engine forward pass (at the
 * sampling temperature) gives the current log-probs; `policyLoss` turns them into the loss and its
 * coefficients c = ∂L/∂logp, `entropyWeights` the entropy bonus's e = −∂L/∂H with the same
 * aggregation; the engine back-propagates −(Σ(−c)·logp + Σ e·H) through the same graph (`/backward`)
 * and AdamW steps. Metrics: samplerTrainerKl once per batch before any update; policyDrift (k1 KL to
 * the sampler policy) at every forward after an update; the loss's clip fractions, ratioMean and
 * approxKl; gradNorm.
 */
export async function updatePolicy(options: UpdateOptions): Promise<Record<string, number>> {
  const { client, sequences, temperature } = options;
  const metrics: Record<string, number[]> = {};
  const record = (name: string, value: number) => {
    if (!Number.isNaN(value)) metrics[name] = [...(metrics[name] ?? []), value];
  };
  const chunks = splitIntoChunks(sequences, options.miniBatches);
  const references = options.useReference
    ? await scoreResponses(client, sequences, temperature, "reference")
    : new Map<TrainingSequence, number[]>();
  let before = chunks.length > 1 ? await scoreResponses(client, sequences, temperature, "policy") : undefined;
  let prepared: ReturnType<typeof beforeUpdate> | undefined;
  let updates = 0;
  for (let epoch = 0; epoch < options.ppoEpochs; epoch++) {
    for (const chunk of chunks) {
      const forward = await client.forward({ data: chunk.map((sequence) => sequence.datum), temperature });
      const logprobs_S_T = chunk.map((sequence, index) => responsePart(sequence, forward.logprobs[index]));
      before ??= new Map(chunk.map((sequence, index) => [sequence, logprobs_S_T[index]]));
      if (prepared === undefined) {
        prepared = beforeUpdate(sequences, before, options.rolloutCorrection);
        for (const [name, value] of Object.entries(prepared.metrics)) record(name, value);
      }
      if (updates > 0) record("policyDrift", drift(chunk, logprobs_S_T));
      const { weights, masks, oldLogprobs } = prepared;
      const mask_S_T = chunk.map((sequence) => masks?.get(sequence) ?? responseMask(sequence));
      const result = policyLoss(
        {
          logprobs: logprobs_S_T,
          oldLogprobs: chunk.map((sequence) => oldLogprobs?.get(sequence) ?? sequence.samplerLogprobs),
          advantages: chunk.map((sequence) => {
            const correction = weights?.get(sequence);
            return responseAdvantages(sequence).map((value, token) => value * (correction?.[token] ?? 1));
          }),
          mask: mask_S_T,
          refLogprobs: options.useReference ? chunk.map((sequence) => references.get(sequence)!) : undefined,
        },
        options.loss,
      );
      const entropy =
        options.entropyCoef > 0
          ? entropyWeights(mask_S_T, {
              coefficient: options.entropyCoef,
              aggregation: options.loss.aggregation,
              maxLength: options.loss.maxLength,
            })
          : undefined;
      await client.backward({
        handle: forward.handle,
        weights: chunk.map((sequence, index) => sequenceWeights(sequence, result.coefficients[index])),
        ...(entropy === undefined
          ? {}
          : {
              entropy_weights: chunk.map((sequence, index) =>
                sequenceEntropyWeights(sequence, entropy[index]),
              ),
            }),
      });
      const step = await client.optimStep({
        adam_params: {
          learning_rate: options.learningRate,
          beta1: options.adam.beta1,
          beta2: options.adam.beta2,
          weight_decay: options.adam.weightDecay,
        },
        grad_clip_norm: options.gradClip,
      });
      updates++;
      record("loss", result.loss);
      record("gradNorm", step.grad_norm);
      for (const [name, value] of Object.entries(result.metrics)) record(name, value);
    }
  }
  return Object.fromEntries(Object.entries(metrics).map(([name, values]) => [name, meanOf(values)]));
}
