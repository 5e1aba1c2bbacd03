import { assertFiniteNumber, numberOption } from "../validate.js";
import { sampleStd } from "./statistics.js";
import { DEFAULT_EPSILON } from "./types.js";

/** Per-prompt value tracker of SPO: a discounted Beta(α, β) posterior of the success rate. */
export interface SpoTracker {
  [problemId: string]: { alpha: number; beta: number };
}

/**
 * SPO single-stream advantages — Xu & Ding 2025, "Single-stream Policy Optimization", arXiv:2509.13232.
 * No groups: each prompt keeps a value estimate v̂(x) = α/(α+β) that persists across steps, and
 *   A_i = r_i − v̂(x_i)  (value before this batch),  then  A_i ← A_i / (std_batch(A) + ε)  (scale only),
 *   α ← ρ·α + r_i,  β ← ρ·β + (1 − r_i)   (ρ = option decay, default 0.875; rewards in [0, 1]).
 * An unseen prompt starts from the prior v₀ = option priorValue (default 0.5) with weight option
 * priorCount (default 1). The paper adapts ρ to the policy's KL drift; boxed takes ρ as given.
 * Returns the advantages (one per sample) and the updated tracker (the input is not modified).
 */
export function spoAdvantages(
  samples: { problemId: string; reward: number }[],
  tracker: SpoTracker,
  options: { decay?: number; priorValue?: number; priorCount?: number; epsilon?: number } = {},
): { advantages: number[]; tracker: SpoTracker } {
  const record = options as Record<string, unknown>;
  const decay = numberOption(record, "decay", 0.875, 0, 1);
  const priorValue = numberOption(record, "priorValue", 0.5, 0, 1);
  const priorCount = numberOption(record, "priorCount", 1, Number.MIN_VALUE);
  const epsilon = numberOption(record, "epsilon", DEFAULT_EPSILON, 0);
  const prior = { alpha: priorValue * priorCount, beta: (1 - priorValue) * priorCount };
  const raw = samples.map((sample, index) => {
    assertFiniteNumber(`samples[${index}].reward`, sample.reward);
    const state = tracker[sample.problemId] ?? prior;
    return sample.reward - state.alpha / (state.alpha + state.beta);
  });
  const next: SpoTracker = { ...tracker };
  for (const sample of samples) {
    const state = next[sample.problemId] ?? prior;
    next[sample.problemId] = {
      alpha: decay * state.alpha + sample.reward,
      beta: decay * state.beta + (1 - sample.reward),
    };
  }
  const spread = sampleStd(raw);
  const advantages = raw.length < 2 ? raw : raw.map((value) => value / (spread + epsilon));
  return { advantages, tracker: next };
}
