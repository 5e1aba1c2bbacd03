/**
 * Named per-trace vote weights. Each reads one trace feature and maps it to a positive weight.
 *  - `count`: 1 (plain self-consistency, arXiv:2203.11171).
 *  - `reward`: σ(r) = 1/(1+e^(−r)) of a reward-model score r (outcome-reward-weighted voting,
 *    as in Li et al. 2023 "DiVeRSe", arXiv:2206.02336; the sigmoid maps a logit score to (0,1)).
 *  - `logprob`: exp(mean token log-prob), the geometric-mean token probability of the trace.
 *  - `lowest-group`, `tail`, `bottom-group`, `mean-confidence`: DeepConf trace confidences
 *    (Fu et al. 2025, arXiv:2508.15260), already positive (−mean top-k log-prob); see confidence.ts.
 */
import type { TraceWeight } from "./tally.js";
import type { Trace } from "./types.js";

/** The trace feature each weight reads. */
export const WEIGHT_FEATURES: ReadonlyMap<string, string> = new Map([
  ["reward", "reward"],
  ["logprob", "meanLogprob"],
  ["lowest-group", "lowestGroupConfidence"],
  ["bottom-group", "bottomGroupConfidence"],
  ["tail", "tailConfidence"],
  ["mean-confidence", "meanConfidence"],
]);

/** Features computed from per-token log-probs (a sampler must request them). */
export const LOGPROB_FEATURES: ReadonlySet<string> = new Set([
  "meanLogprob",
  "lowestGroupConfidence",
  "bottomGroupConfidence",
  "tailConfidence",
  "meanConfidence",
]);

/** The features a weight or score name reads (`count`: none). */
export function featuresOf(name: string): string[] {
  const feature = WEIGHT_FEATURES.get(name);
  return feature === undefined ? [] : [feature];
}

/** Whether a strategy reads a log-prob feature (the online runner then asks for top log-probs). */
export function needsLogprobs(strategy: { features: readonly string[] }): boolean {
  return strategy.features.some((feature) => LOGPROB_FEATURES.has(feature));
}

/** Reads a feature, throwing when the trace lacks it (a weighted strategy on unweighted samples is a mistake). */
export function featureOf(trace: Trace, feature: string): number {
  const value = trace.features[feature];
  if (value === undefined || !Number.isFinite(value)) {
    throw new Error(
      `trace has no feature "${feature}" (known: ${Object.keys(trace.features).join(", ") || "none"})`,
    );
  }
  return value;
}

const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));

/** The weight function for a name; unknown names throw and list the known ones. */
export function traceWeight(name: string): TraceWeight {
  if (name === "count") return () => 1;
  const feature = WEIGHT_FEATURES.get(name);
  if (feature === undefined) {
    throw new Error(`unknown weight "${name}" (known: count, ${[...WEIGHT_FEATURES.keys()].join(", ")})`);
  }
  if (name === "reward") return (trace) => sigmoid(featureOf(trace, feature));
  if (name === "logprob") return (trace) => Math.exp(featureOf(trace, feature));
  return (trace) => featureOf(trace, feature);
}

/** The raw feature a weight name ranks by (for best-of-N and top-η filtering). */
export function traceScore(name: string): TraceWeight {
  const feature = WEIGHT_FEATURES.get(name);
  if (feature === undefined) {
    throw new Error(`unknown score "${name}" (known: ${[...WEIGHT_FEATURES.keys()].join(", ")})`);
  }
  return (trace) => featureOf(trace, feature);
}
