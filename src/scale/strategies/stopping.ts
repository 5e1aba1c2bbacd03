/**
 * Adaptive early stopping: draw one sample (or window) at a time, stop once the vote is settled.
 *  - `early@N,share=τ[,min=m][,weight=W]` — stop when the leading cluster's (weighted) vote share
 *    V(â)/Σ_a V(a) ≥ τ after at least m samples (DeepConf's consensus rule β ≥ τ, arXiv:2508.15260 §3.3).
 *  - `early@N,margin=δ[,min=m][,weight=W]` — stop when V(â) − V(second) ≥ δ. With count weights δ = 2
 *    means "two more votes than any rival"; with reward weights a single very confident trace may stop.
 *  - `esc@N,window=w` — Early-Stopping Self-Consistency, Li et al. 2024, arXiv:2401.10480: sample in
 *    windows of w and stop when one window's answers are all equal (zero entropy); then vote over all.
 * Thresholds may be fitted on a calibration split by conformal risk control (conformal.ts).
 */
import {
  canonicalName,
  checkKnown,
  choiceParameter,
  numberParameter,
  type Parameters,
} from "./parameters.js";
import { leadingClusters, leadingShare, tallyVotes, topTwo } from "./tally.js";
import type { Strategy, Trace } from "./types.js";
import { featuresOf, traceWeight, WEIGHT_FEATURES } from "./weights.js";

const WEIGHT_NAMES = ["count", ...WEIGHT_FEATURES.keys()];

export function earlyStop(budget: number, parameters: Parameters): Strategy {
  checkKnown("early", parameters, ["share", "margin", "min", "weight"]);
  const weight = choiceParameter(parameters, "weight", "count", WEIGHT_NAMES);
  const weightOf = traceWeight(weight);
  const byMargin = parameters.margin !== undefined;
  if (byMargin && parameters.share !== undefined)
    throw new Error("early: give either share or margin, not both");
  const threshold = byMargin
    ? numberParameter(parameters, "margin", 2, 0, Number.MAX_VALUE)
    : numberParameter(parameters, "share", 0.6, 0, 1);
  const minimum = numberParameter(parameters, "min", byMargin ? 1 : 2, 1, budget);
  const votes = (traces: readonly Trace[]) => tallyVotes(traces, weightOf);
  return {
    name: canonicalName("early", budget, parameters),
    budget,
    batchSize: 1,
    orderDependent: true,
    features: featuresOf(weight),
    stop(traces) {
      if (traces.length >= budget) return "budget";
      if (traces.length < minimum) return null;
      const tally = votes(traces);
      if (tally.size === 0) return null;
      if (byMargin) {
        const [first, second] = topTwo(tally);
        return first - second >= threshold ? "margin-reached" : null;
      }
      return leadingShare(tally) >= threshold ? "share-reached" : null;
    },
    select: (traces) => leadingClusters(votes(traces)),
    votes,
  };
}

export function earlyStoppingSelfConsistency(budget: number, parameters: Parameters): Strategy {
  checkKnown("esc", parameters, ["window"]);
  const window = numberParameter(parameters, "window", 4, 1, budget);
  if (!Number.isInteger(window)) throw new Error(`parameter window: must be an integer, got ${window}`);
  return {
    name: canonicalName("esc", budget, parameters),
    budget,
    batchSize: window,
    orderDependent: true,
    features: [],
    stop(traces) {
      if (traces.length >= budget) return "budget";
      if (traces.length % window !== 0) return null;
      const last = traces.slice(-window);
      const first = last[0]?.cluster ?? -1;
      return first >= 0 && last.every((trace) => trace.cluster === first) ? "window-agreed" : null;
    },
    select: (traces) => leadingClusters(tallyVotes(traces)),
    votes: (traces) => tallyVotes(traces),
  };
}
