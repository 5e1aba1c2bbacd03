import type { EngineClient } from "../../engine/client.js";
import { broadcastAdvantages, responseMask } from "../advantages/broadcast.js";
import { policyLoss } from "../losses/policy-loss.js";
import type { PolicyLossOptions } from "../losses/types.js";
import { responsePart, sequenceWeights, splitIntoChunks, type TrainingSequence } from "./batch.js";

export interface UpdateOptions {
  client: EngineClient;
  sequences: TrainingSequence[];
  loss: PolicyLossOptions;
  entropyCoef: number;
  ppoEpochs: number;
  miniBatches: number;
  learningRate: number;
  adam: { beta1: number; beta2: number; weightDecay: number };
  gradClip: number | null;
  /** Needs a frozen reference in the engine (`--reference copy` or LoRA). */
  useReference: boolean;
}

/** Running sums turned into the step's training metrics. */
function meanOf(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The policy update of one step: for each epoch and mini-batch, one engine forward pass gives the
 * current log-probs; `policyLoss` turns them into the loss and its coefficients c = ∂L/∂logp; the
 * engine back-propagates Σ(−c)·logp through the same graph (`/backward`) and AdamW steps.
 * π_old is the sampler (its log-probs are the policy's own, before temperature), so the first
 * forward also measures the sampler–trainer mismatch: KL(π_sampler‖π_trainer) ≈ mean(log π_s − log π_t)
 * over sampled tokens (k1 estimator, Schulman 2020).
 */
export async function updatePolicy(options: UpdateOptions): Promise<Record<string, number>> {
  const { client, sequences } = options;
  const metrics: Record<string, number[]> = {};
  const record = (name: string, value: number) => {
    if (Number.isNaN(value)) return;
    metrics[name] = [...(metrics[name] ?? []), value];
  };
  const chunks = splitIntoChunks(sequences, options.miniBatches);
  const references = options.useReference
    ? await referenceLogprobs(client, sequences)
    : new Map<TrainingSequence, number[]>();
  for (let epoch = 0; epoch < options.ppoEpochs; epoch++) {
    for (const chunk of chunks) {
      const forward = await client.forward({ data: chunk.map((sequence) => sequence.datum) });
      const logprobs_S_T = chunk.map((sequence, index) => responsePart(sequence, forward.logprobs[index]));
      const oldLogprobs_S_T = chunk.map((sequence) => sequence.samplerLogprobs);
      if (epoch === 0) record("samplerTrainerKl", samplerTrainerKl(oldLogprobs_S_T, logprobs_S_T));
      const lengths = chunk.map((sequence) => sequence.samplerLogprobs.length);
      const result = policyLoss(
        {
          logprobs: logprobs_S_T,
          oldLogprobs: oldLogprobs_S_T,
          advantages: broadcastAdvantages(
            chunk.map((sequence) => sequence.advantage),
            lengths,
          ).map((row, index) => row.slice(0, lengths[index])),
          mask: responseMask(lengths).map((row, index) => row.slice(0, lengths[index])),
          refLogprobs: options.useReference ? chunk.map((sequence) => references.get(sequence)!) : undefined,
        },
        options.loss,
      );
      await client.backward({
        handle: forward.handle,
        weights: chunk.map((sequence, index) => sequenceWeights(sequence, result.coefficients[index])),
        entropy_coef: options.entropyCoef,
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
      record("loss", result.loss);
      record("gradNorm", step.grad_norm);
      for (const [name, value] of Object.entries(result.metrics)) record(name, value);
    }
  }
  return Object.fromEntries(Object.entries(metrics).map(([name, values]) => [name, meanOf(values)]));
}

/** Token-mean of log π_sampler − log π_trainer over the sampled tokens. */
function samplerTrainerKl(sampler_S_T: number[][], trainer_S_T: number[][]): number {
  let sum = 0;
  let count = 0;
  sampler_S_T.forEach((row, sequence) => {
    row.forEach((value, token) => {
      sum += value - trainer_S_T[sequence][token];
      count++;
    });
  });
  return count === 0 ? 0 : sum / count;
}

/** Reference-policy log-probs of each sequence's response (for the KL penalty). */
async function referenceLogprobs(
  client: EngineClient,
  sequences: TrainingSequence[],
): Promise<Map<TrainingSequence, number[]>> {
  if (sequences.length === 0) return new Map();
  const response = await client.logprobs({
    data: sequences.map((sequence) => sequence.datum),
    model: "reference",
  });
  return new Map(
    sequences.map((sequence, index) => [sequence, responsePart(sequence, response.logprobs[index])]),
  );
}
