import type { Datum } from "../../engine/schemas.js";
import type { SampledGroup } from "./types.js";

/** One sequence of the training batch: its datum and where its response sits among the targets. */
export interface TrainingSequence {
  datum: Datum;
  /** Index of the first response token among `datum.target_tokens` (prompt length − 1). */
  responseStart: number;
  /** Sampler log-probs of the response tokens (π_old). */
  samplerLogprobs: number[];
  advantage: number;
}

/**
 * Flattens kept groups into sequences: tokens = (prompt ++ response)[:-1], targets = [1:], so the
 * response's log-probs are targets [P−1, P−1+R). Sequences with an empty response are skipped.
 */
export function buildSequences(groups: SampledGroup[], advantages_G_N: number[][]): TrainingSequence[] {
  const sequences: TrainingSequence[] = [];
  groups.forEach((group, groupIndex) => {
    group.samples.forEach((sample, index) => {
      if (sample.tokens.length === 0) return;
      const full = [...group.promptTokens, ...sample.tokens];
      sequences.push({
        datum: { tokens: full.slice(0, -1), target_tokens: full.slice(1) },
        responseStart: group.promptTokens.length - 1,
        samplerLogprobs: sample.logprobs,
        advantage: advantages_G_N[groupIndex][index],
      });
    });
  });
  return sequences;
}

/** The response part of per-target values (log-probs of the response tokens). */
export function responsePart(sequence: TrainingSequence, perTarget: number[]): number[] {
  return perTarget.slice(sequence.responseStart, sequence.responseStart + sequence.samplerLogprobs.length);
}

/** Engine weights for a sequence: −coefficient on response targets, 0 on the prompt (protocol sign). */
export function sequenceWeights(sequence: TrainingSequence, coefficients_T: number[]): number[] {
  const weights = new Array<number>(sequence.datum.target_tokens.length).fill(0);
  coefficients_T.forEach((coefficient, token) => {
    weights[sequence.responseStart + token] = coefficient === 0 ? 0 : -coefficient;
  });
  return weights;
}

/** Splits items into `count` contiguous chunks of near-equal size (no empty chunk). */
export function splitIntoChunks<T>(items: T[], count: number): T[][] {
  const chunks: T[][] = [];
  const size = Math.ceil(items.length / Math.max(1, count));
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
