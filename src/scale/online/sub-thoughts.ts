/**
 * Sub-thought aggregation — Hammoud et al. 2025, "Beyond the Last Answer: Your Reasoning Trace
 * Uncovers More than You Think", arXiv:2504.20708. Cut a finished reasoning trace at cue words that
 * start a new sub-thought ("Wait", "Alternatively", …); from each prefix let the model continue to a
 * final answer; the aggregated answer is the mode of those answers (clustered by equivalence).
 */
import { clusterAnswers, type Equivalence } from "../../eval/metrics/cluster.js";
import type { Usage } from "../../sample/types.js";
import { areEquivalent, extractAnswer } from "../../verify/index.js";
import type { TextCompleter } from "./text-completer.js";

export const SUB_THOUGHT_CUES = [
  "Wait",
  "Alternatively",
  "Hmm",
  "But wait",
  "Let me double-check",
  "On second thought",
];

/** Prefixes of `trace` ending just before each cue occurrence (in order, without duplicates), then the whole trace. */
export function subThoughtPrefixes(trace: string, cues: readonly string[] = SUB_THOUGHT_CUES): string[] {
  const cuts = new Set<number>();
  for (const cue of cues) {
    for (let at = trace.indexOf(cue); at > 0; at = trace.indexOf(cue, at + cue.length)) cuts.add(at);
  }
  return [...[...cuts].sort((a, b) => a - b).map((cut) => trace.slice(0, cut)), trace];
}

export interface SubThoughtOptions {
  complete: TextCompleter;
  /** The prompt that produced `trace`. */
  prompt: string;
  trace: string;
  cues?: readonly string[];
  /** Appended to each prefix to ask for the answer. Default: close thinking and ask for a boxed answer. */
  continuation?: string;
  maxTokens?: number;
  equivalent?: Equivalence;
}

export interface SubThoughtResult {
  /** The mode answer (first to reach the top count on a tie), or null when no continuation answered. */
  answer: string | null;
  /** One answer per prefix (null where none was found). */
  answers: (string | null)[];
  usage: Usage;
}

export async function aggregateSubThoughts(options: SubThoughtOptions): Promise<SubThoughtResult> {
  const continuation = options.continuation ?? "\n</think>\n\nThe final answer is \\boxed{";
  const prefixes = subThoughtPrefixes(options.trace, options.cues);
  const completions = await Promise.all(
    prefixes.map((prefix) =>
      options.complete({
        prompt: options.prompt + prefix + continuation,
        maxTokens: options.maxTokens ?? 64,
      }),
    ),
  );
  const answers = completions.map((completion) => extractAnswer(`\\boxed{${completion.text}`).answer);
  const clusters = clusterAnswers(
    answers,
    options.equivalent ?? ((first, second) => areEquivalent(first, second)),
  );
  const counts = new Map<number, number>();
  for (const cluster of clusters) if (cluster >= 0) counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
  let best = -1;
  for (const [cluster, count] of counts) if (best < 0 || count > (counts.get(best) ?? 0)) best = cluster;
  const usage = { promptTokens: 0, completionTokens: 0 };
  for (const completion of completions) {
    usage.promptTokens += completion.usage.promptTokens;
    usage.completionTokens += completion.usage.completionTokens;
  }
  return { answer: best < 0 ? null : (answers[clusters.indexOf(best)] ?? null), answers, usage };
}
