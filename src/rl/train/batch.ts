import type { Datum } from "../../engine/schemas.js";
import type { SampledGroup } from "./types.js";

/** One sequence of the training batch: its datum and where its response sits among the targets. */
export interface TrainingSequence {
  datum: Datum;
  /** Index of the first response token among `datum.target_tokens` (prompt length − 1). */
  responseStart: number;
  /** Sampler log-probs of the response tokens (π_old). */
  samplerLogprobs: number[];
  /** The sample's outcome advantage (logged; broadcast over the response unless `tokenAdvantages`). */
  advantage: number;
  /** Per-token advantages of the response (token-level estimators such as TEMPO). */
  tokenAdvantages?: number[];
  /** 1 where the engine sampled the token, 0 at tool-output tokens (not sampled); absent: all 1. */
  sampledMask?: number[];
  /** 1 when the response counts in the loss, 0 when masked out (`maskTruncated`). */
  lossMask: 0 | 1;
  /** The sample hit the token budget (stop reason "length"). */
  truncated: boolean;
  /** Sampled by an earlier policy (replayed): left out of the sampler–trainer mismatch metric. */
  offPolicy?: boolean;
}

export interface BuildOptions {
  /**
   * Drop truncated responses from the loss (mask 0) while keeping them in the group's advantage
   * baseline: TRL `mask_truncated_completions`, DAPO overlong filtering (arXiv:2503.14476 §3.4).
   */
  maskTruncated?: boolean;
  /** Drop responses with a void turn from the loss (SimpleTIR, arXiv:2509.02479 §3), kept in the baseline. */
  maskVoidTurns?: boolean;
  /** Per-token advantages, [group][sample][token], when the estimator gives them. */
  tokenAdvantages_G_N_T?: number[][][];
}

/**
 * Flattens kept groups into sequences: tokens = (prompt ++ response)[:-1], targets = [1:], so the
 * response's log-probs are targets [P−1, P−1+R). Sequences with an empty response are skipped.
 */
export function buildSequences(
  groups: SampledGroup[],
  advantages_G_N: number[][],
  options: BuildOptions = {},
): TrainingSequence[] {
  const sequences: TrainingSequence[] = [];
  groups.forEach((group, groupIndex) => {
    group.samples.forEach((sample, index) => {
      if (sample.tokens.length === 0) return;
      const full = [...group.promptTokens, ...sample.tokens];
      const truncated = sample.stopReason === "length";
      const tokenAdvantages = options.tokenAdvantages_G_N_T?.[groupIndex][index];
      sequences.push({
        datum: { tokens: full.slice(0, -1), target_tokens: full.slice(1) },
        responseStart: group.promptTokens.length - 1,
        samplerLogprobs: sample.logprobs,
        advantage: advantages_G_N[groupIndex][index],
        ...(tokenAdvantages === undefined ? {} : { tokenAdvantages }),
        ...(sample.sampledMask === undefined ? {} : { sampledMask: sample.sampledMask }),
        lossMask:
          (truncated && options.maskTruncated) ||
          (options.maskVoidTurns && (sample.tools?.voidTurns ?? 0) > 0)
            ? 0
            : 1,
        truncated,
      });
    });
  });
  return sequences;
}

/** The response part of per-target values (log-probs of the response tokens). */
export function responsePart(sequence: TrainingSequence, perTarget: number[]): number[] {
  return perTarget.slice(sequence.responseStart, sequence.responseStart + sequence.samplerLogprobs.length);
}

/** Per-token advantages of the response: the token-level ones, else the outcome advantage broadcast. */
export function responseAdvantages(sequence: TrainingSequence): number[] {
  return sequence.tokenAdvantages ?? sequence.samplerLogprobs.map(() => sequence.advantage);
}

/** 1 at the response tokens the engine sampled, 0 at appended tool output (which has no sampler log-prob). */
export function sampledMask(sequence: TrainingSequence): number[] {
  return sequence.sampledMask ?? sequence.samplerLogprobs.map(() => 1);
}

/** The response's loss mask: the sampled tokens, or all zeros when the sequence is masked out. */
export function responseMask(sequence: TrainingSequence): number[] {
  return sampledMask(sequence).map((sampled) => sampled * sequence.lossMask);
}

/** Per-response values placed on the datum's targets (0 on the prompt). */
function onTargets(sequence: TrainingSequence, values_T: number[]): number[] {
  const row = new Array<number>(sequence.datum.target_tokens.length).fill(0);
  values_T.forEach((value, token) => {
    row[sequence.responseStart + token] = value;
  });
  return row;
}

/** Engine weights for a sequence: −coefficient on response targets, 0 on the prompt (protocol sign). */
export function sequenceWeights(sequence: TrainingSequence, coefficients_T: number[]): number[] {
  return onTargets(
    sequence,
    coefficients_T.map((coefficient) => (coefficient === 0 ? 0 : -coefficient)),
  );
}

/** Engine entropy weights for a sequence: e = −∂loss/∂H on response targets, 0 on the prompt. */
export function sequenceEntropyWeights(sequence: TrainingSequence, entropyWeights_T: number[]): number[] {
  return onTargets(sequence, entropyWeights_T);
}

/** Splits items into `count` contiguous chunks of near-equal size (no empty chunk). */
export function splitIntoChunks<T>(items: T[], count: number): T[][] {
  const chunks: T[][] = [];
  const size = Math.ceil(items.length / Math.max(1, count));
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
