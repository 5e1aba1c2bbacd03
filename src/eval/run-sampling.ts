import { type PromptMessage, type PromptTemplate, renderPrompt } from "../data/prompts.js";
import type { Sampler } from "../sample/openai-sampler.js";
import { SampleError } from "../sample/retry.js";
import type { SampleStore, StoreScope } from "../store/sample-store.js";
import type { PlannedRequest } from "./plan.js";

export interface SamplingRunOptions {
  requests: PlannedRequest[];
  sampler: Sampler;
  store: SampleStore;
  scope: StoreScope;
  template: PromptTemplate;
  mode: "chat" | "completion";
  renderChat?: (messages: PromptMessage[]) => string;
  /** Requests worked on at once (the sampler bounds HTTP concurrency on its own). */
  concurrency: number;
  onSample?: () => void;
  onError?: (message: string) => void;
}

export interface RequestFailure {
  benchmark: string;
  problemId: string;
  firstIndex: number;
  count: number;
  message: string;
}

export interface SamplingOutcome {
  /** Every request that did not deliver its samples: failed, or never sent because the run stopped. */
  failures: RequestFailure[];
  /** The error that stopped the run (rejected key, wrong URL, unknown model), if any. */
  fatal: SampleError | null;
  /** Samples stored by this run. */
  stored: number;
}

/**
 * Runs the planned requests with `concurrency` workers. Each sample is written to the store the
 * moment it arrives. A failed request is recorded (its samples stay missing, so a rerun retries
 * them) and the run goes on; a fatal error (rejected key, unknown model, wrong URL) stops new
 * requests, and those never sent are listed as failures too, so no missing sample goes uncounted.
 */
export async function runSampling(options: SamplingRunOptions): Promise<SamplingOutcome> {
  const failures: RequestFailure[] = [];
  let next = 0;
  let stored = 0;
  let fatal: SampleError | null = null;
  const fail = (request: PlannedRequest, message: string) =>
    failures.push({
      benchmark: request.benchmark,
      problemId: request.problem.id,
      firstIndex: request.firstIndex,
      count: request.count,
      message,
    });
  const work = async (request: PlannedRequest) => {
    const prompt = renderPrompt(options.template, request.problem, options.mode, options.renderChat);
    try {
      await options.sampler.sample(
        { problemId: request.problem.id, prompt, n: request.count, firstIndex: request.firstIndex },
        (sample) => {
          options.store.put(request.benchmark, options.scope, sample);
          stored++;
          options.onSample?.();
        },
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof SampleError && error.fatal) fatal ??= error;
      fail(request, message);
      options.onError?.(message);
    }
  };
  const worker = async () => {
    while (fatal === null && next < options.requests.length)
      await work(options.requests[next++] as PlannedRequest);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, options.requests.length)) }, worker),
  );
  const stopped = fatal as SampleError | null;
  if (stopped)
    for (const request of options.requests.slice(next))
      fail(request, `not sent: the run stopped at ${stopped.message}`);
  return { failures, fatal: stopped, stored };
}
