/**
 * Building protocol data from a prompt and a sampled response, and reading per-target values
 * back. A datum is `tokens = full[:-1]`, `target_tokens = full[1:]` with `full = prompt ++ response`,
 * so target position t predicts `full[t+1]` and the response occupies targets
 * `[promptLength − 1, full.length − 1)`.
 */
import type { Datum, WeightedDatum } from "./schemas.js";

function checkParts(prompt: number[], response: number[]): void {
  if (!Array.isArray(prompt) || prompt.length === 0)
    throw new Error("prompt must be a non-empty array of token ids");
  if (!Array.isArray(response) || response.length === 0) {
    throw new Error("response must be a non-empty array of token ids");
  }
}

/** The datum scoring `response` after `prompt` (e.g. for `/logprobs` or `/forward`). */
export function sequenceDatum(prompt: number[], response: number[]): Datum {
  checkParts(prompt, response);
  const full = [...prompt, ...response];
  return { tokens: full.slice(0, -1), target_tokens: full.slice(1) };
}

/**
 * The datum training on `response` with one weight per response token (prompt positions weigh 0).
 * `responseWeights` may be longer than the response (padded rows): the extra entries must be 0.
 */
export function weightedSequenceDatum(
  prompt: number[],
  response: number[],
  responseWeights: number[],
): WeightedDatum {
  const datum = sequenceDatum(prompt, response);
  if (responseWeights.length < response.length) {
    throw new Error(
      `responseWeights has ${responseWeights.length} entries for ${response.length} response tokens`,
    );
  }
  const padding = responseWeights.slice(response.length);
  if (padding.some((weight) => weight !== 0))
    throw new Error("responseWeights beyond the response must be 0");
  const weights = [...Array(prompt.length - 1).fill(0), ...responseWeights.slice(0, response.length)];
  return { ...datum, weights };
}

/** The response part of per-target values (log-probs, entropies) of a `sequenceDatum`. */
export function responseValues(values: number[], promptLength: number): number[] {
  if (!Number.isInteger(promptLength) || promptLength < 1) {
    throw new Error(`promptLength must be a positive integer, got ${promptLength}`);
  }
  return values.slice(promptLength - 1);
}
