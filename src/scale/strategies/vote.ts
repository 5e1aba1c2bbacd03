/**
 * Strategies that draw the whole budget, then vote:
 *  - `maj@N` — self-consistency, Wang et al. 2022, arXiv:2203.11171: â = argmax_a Σ_i 1[a_i = a].
 *  - `vote@N,weight=W` — weighted vote â = argmax_a Σ_i w(trace_i)·1[a_i = a] (weights.ts).
 *  - `deepconf@N,metric=M,keep=η` — DeepConf offline (Fu et al. 2025, arXiv:2508.15260): keep the
 *    top η of traces by confidence C, then vote with weight C.
 *  - `best@N,score=S` — best-of-N: the answer of the single highest-scoring trace
 *    (Cobbe et al. 2021 verifier reranking, arXiv:2110.14168).
 */

import {
  canonicalName,
  checkKnown,
  choiceParameter,
  numberParameter,
  type Parameters,
} from "./parameters.js";
import type { TraceWeight } from "./tally.js";
import { leadingClusters, tallyVotes } from "./tally.js";
import type { Strategy, Trace } from "./types.js";
import { featuresOf, traceScore, traceWeight, WEIGHT_FEATURES } from "./weights.js";

const WEIGHT_NAMES = ["count", ...WEIGHT_FEATURES.keys()];
const SCORE_NAMES = [...WEIGHT_FEATURES.keys()];

/** A strategy that never stops early and selects by a vote over (possibly filtered) traces. */
function drawAll(
  name: string,
  budget: number,
  votes: (traces: readonly Trace[]) => Map<number, number>,
  features: readonly string[] = [],
): Strategy {
  return {
    name,
    budget,
    batchSize: budget,
    orderDependent: false,
    features,
    stop: (traces) => (traces.length >= budget ? "budget" : null),
    select: (traces) => leadingClusters(votes(traces)),
    votes,
  };
}

export function majority(budget: number, parameters: Parameters): Strategy {
  checkKnown("maj", parameters, []);
  return drawAll(canonicalName("maj", budget, parameters), budget, (traces) => tallyVotes(traces));
}

export function weightedVote(budget: number, parameters: Parameters): Strategy {
  checkKnown("vote", parameters, ["weight"]);
  const weight = choiceParameter(parameters, "weight", "reward", WEIGHT_NAMES);
  const weightOf: TraceWeight = traceWeight(weight);
  return drawAll(
    canonicalName("vote", budget, parameters),
    budget,
    (traces) => tallyVotes(traces, weightOf),
    featuresOf(weight),
  );
}

/** Traces whose score is within the top `keep` fraction (at least one; ties at the cut are kept). */
export function topFraction(traces: readonly Trace[], scoreOf: TraceWeight, keep: number): Trace[] {
  const answered = traces.filter((trace) => trace.cluster >= 0);
  if (answered.length === 0) return [];
  const scores = answered.map(scoreOf).sort((a, b) => b - a);
  const cut = scores[Math.max(1, Math.ceil(keep * scores.length)) - 1] as number;
  return answered.filter((trace) => scoreOf(trace) >= cut);
}

export function deepConfOffline(budget: number, parameters: Parameters): Strategy {
  checkKnown("deepconf", parameters, ["metric", "keep"]);
  const metric = choiceParameter(parameters, "metric", "lowest-group", SCORE_NAMES);
  const keep = numberParameter(parameters, "keep", 0.1, 1e-6, 1);
  const scoreOf = traceScore(metric);
  return drawAll(
    canonicalName("deepconf", budget, parameters),
    budget,
    (traces) => tallyVotes(topFraction(traces, scoreOf, keep), scoreOf),
    featuresOf(metric),
  );
}

export function bestOfN(budget: number, parameters: Parameters): Strategy {
  checkKnown("best", parameters, ["score"]);
  const score = choiceParameter(parameters, "score", "reward", SCORE_NAMES);
  const scoreOf = traceScore(score);
  // Each cluster's vote is its best trace's score, so the leading cluster holds the argmax trace.
  return drawAll(
    canonicalName("best", budget, parameters),
    budget,
    (traces) => {
      const best = new Map<number, number>();
      for (const trace of traces) {
        if (trace.cluster < 0) continue;
        best.set(
          trace.cluster,
          Math.max(best.get(trace.cluster) ?? Number.NEGATIVE_INFINITY, scoreOf(trace)),
        );
      }
      return best;
    },
    featuresOf(score),
  );
}
