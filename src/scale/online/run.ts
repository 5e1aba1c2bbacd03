/**
 * Online execution: a strategy drives a live sampler. Samples are started up to `parallel` at a time;
 * each finished sample becomes a trace (answer extracted, clustered by verifier equivalence, features
 * from its log-probs and an optional scorer), then the strategy decides. The moment it stops, every
 * in-flight request is aborted (its HTTP stream closed), so the server stops spending tokens on it.
 * DeepConf online (Fu et al. 2025, arXiv:2508.15260 §3.2): after `warmup` finished traces the threshold
 * s = Percentile_{100−η}(warm-up lowest group confidences) is fixed; any later trace whose running
 * group confidence (full window) falls below s is aborted and does not vote.
 */
import { clusterAnswers, type Equivalence } from "../../eval/metrics/cluster.js";
import type { StreamedCompletion, TokenHook } from "../../sample/chat-stream.js";
import type { Usage } from "../../sample/types.js";
import { areEquivalent, extractAnswer } from "../../verify/index.js";
import { confidenceThreshold, RunningGroupConfidence, traceConfidence } from "../strategies/confidence.js";
import type { Strategy, Trace } from "../strategies/types.js";

/** Starts sample number `index`; must stop when `signal` aborts and call `onToken` per streamed token. */
export type LiveSampler = (
  index: number,
  signal: AbortSignal,
  onToken: TokenHook,
) => Promise<StreamedCompletion>;

export interface DeepConfOnlineOptions {
  /** Finished traces that set the threshold (the paper's N_init, 16). */
  warmup: number;
  /** η: fraction of warm-up traces the threshold keeps (0.1 DeepConf-low, 0.9 DeepConf-high). */
  keep: number;
  /** Group window in tokens (the paper's 2048). */
  window: number;
}

export interface RunOptions {
  strategy: Strategy;
  sample: LiveSampler;
  /** Most samples in flight; default the strategy's batch size. */
  parallel?: number;
  equivalent?: Equivalence;
  extract?: (text: string) => string | null;
  /** A reward for a finished response (reward model, verifier prompt): becomes feature `reward`. */
  score?: (text: string) => Promise<number>;
  deepConf?: DeepConfOnlineOptions;
  signal?: AbortSignal;
}

export interface RunResult {
  /** The chosen response (lowest sample index in the winning cluster), or null when no sample had an answer. */
  selected: { index: number; text: string; answer: string } | null;
  votes: { answer: string; weight: number }[];
  samplesUsed: number;
  stopReason: string;
  usage: Usage;
  /** Requests aborted because the strategy stopped (or DeepConf cut them). */
  cancelled: number;
  completions: StreamedCompletion[];
}

interface Finished {
  index: number;
  completion: StreamedCompletion;
  answer: string | null;
  trace: Omit<Trace, "cluster">;
}

export async function runStrategy(options: RunOptions): Promise<RunResult> {
  const { strategy } = options;
  const parallel = Math.max(1, Math.min(options.parallel ?? strategy.batchSize, strategy.budget));
  const equivalent = options.equivalent ?? ((first: string, second: string) => areEquivalent(first, second));
  const extract = options.extract ?? ((text: string) => extractAnswer(text).answer);
  const controllers = new Map<number, AbortController>();
  const finished: Finished[] = [];
  let threshold: number | null = null;
  let launched = 0;
  let stopReason: string | null = null;
  let cancelled = 0;
  const warmupLowest: number[] = [];
  const discarded: StreamedCompletion[] = [];

  const stopAll = () => {
    for (const controller of controllers.values()) controller.abort();
  };
  options.signal?.addEventListener("abort", stopAll, { once: true });

  const traceOf = async (index: number, completion: StreamedCompletion): Promise<Finished> => {
    const answer = completion.finishReason === "cancelled" ? null : extract(completion.text);
    const features: Record<string, number> = {};
    if (completion.logprobs.length > 0) features.meanLogprob = mean(completion.logprobs);
    if (completion.topLogprobs.length > 0) {
      Object.assign(features, traceConfidence(completion.topLogprobs, { window: options.deepConf?.window }));
    }
    if (options.score && answer !== null) features.reward = await options.score(completion.text);
    return { index, completion, answer, trace: { tokens: completion.usage.completionTokens, features } };
  };

  const one = async (index: number): Promise<void> => {
    const controller = new AbortController();
    controllers.set(index, controller);
    const monitor = options.deepConf ? new RunningGroupConfidence(options.deepConf.window) : null;
    const onToken: TokenHook = (_text, top) => {
      if (!monitor || !top) return true;
      const group = monitor.push(top);
      return !(threshold !== null && monitor.full && group < threshold);
    };
    try {
      const completion = await options.sample(index, controller.signal, onToken);
      if (stopReason !== null || options.signal?.aborted) {
        if (completion.finishReason === "cancelled") cancelled++;
        discarded.push(completion);
        return;
      }
      if (completion.finishReason === "cancelled") cancelled++;
      finished.push(await traceOf(index, completion));
      if (
        monitor &&
        options.deepConf &&
        completion.finishReason !== "cancelled" &&
        warmupLowest.length < options.deepConf.warmup
      ) {
        warmupLowest.push(
          Number.isFinite(monitor.lowestGroup)
            ? monitor.lowestGroup
            : (finished.at(-1)?.trace.features.meanConfidence ?? 0),
        );
        if (warmupLowest.length === options.deepConf.warmup)
          threshold = confidenceThreshold(warmupLowest, options.deepConf.keep);
      }
      stopReason ??= strategy.stop(currentTraces(finished, equivalent));
      if (stopReason !== null) stopAll();
    } finally {
      controllers.delete(index);
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        if (options.signal?.aborted && stopReason === null) stopReason = "client-cancelled";
        while (stopReason === null && controllers.size < parallel && launched < strategy.budget) {
          const index = launched++;
          one(index).then(pump, (error: unknown) => {
            stopReason ??= "error";
            stopAll();
            reject(error);
          });
        }
        if (controllers.size === 0 && (stopReason !== null || launched >= strategy.budget)) resolve();
      };
      pump();
    });
  } finally {
    options.signal?.removeEventListener("abort", stopAll);
  }
  const result = summarize(strategy, finished, equivalent, stopReason ?? "budget", cancelled);
  // Aborted requests still cost what they generated before the abort.
  for (const completion of discarded) {
    result.usage.promptTokens += completion.usage.promptTokens;
    result.usage.completionTokens += completion.usage.completionTokens;
  }
  return result;
}

function currentTraces(finished: readonly Finished[], equivalent: Equivalence): Trace[] {
  const clusters = clusterAnswers(
    finished.map((item) => item.answer),
    equivalent,
  );
  return finished.map((item, position) => ({ ...item.trace, cluster: clusters[position] as number }));
}

function summarize(
  strategy: Strategy,
  finished: Finished[],
  equivalent: Equivalence,
  stopReason: string,
  cancelled: number,
): RunResult {
  // Selection sees the traces in sample-index order, so ties (broken towards the cluster of the
  // lowest index) do not depend on which request happened to finish first: a seeded request is reproducible.
  const ordered = [...finished].sort((a, b) => a.index - b.index);
  const traces = currentTraces(ordered, equivalent);
  const winners = strategy.select(traces);
  const position = traces.findIndex((trace) => trace.cluster === winners[0]);
  const chosen = position >= 0 ? ordered[position] : undefined;
  const representative = new Map<number, string>();
  traces.forEach((trace, index) => {
    if (trace.cluster >= 0 && !representative.has(trace.cluster))
      representative.set(trace.cluster, ordered[index]?.answer ?? "");
  });
  const usage = { promptTokens: 0, completionTokens: 0 };
  for (const item of ordered) {
    usage.promptTokens += item.completion.usage.promptTokens;
    usage.completionTokens += item.completion.usage.completionTokens;
  }
  return {
    selected: chosen
      ? { index: chosen.index, text: chosen.completion.text, answer: chosen.answer ?? "" }
      : null,
    votes: [...strategy.votes(traces)].map(([cluster, weight]) => ({
      answer: representative.get(cluster) ?? "",
      weight,
    })),
    samplesUsed: ordered.length,
    stopReason,
    usage,
    cancelled,
    completions: ordered.map((item) => item.completion),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
