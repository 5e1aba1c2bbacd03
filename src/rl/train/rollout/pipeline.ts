import type { SampledGroup } from "../types.js";
import type { RolloutConfig } from "./config.js";
import type { RolloutSampler } from "./remote-sampler.js";
import type { SyncResult } from "./weight-sync.js";

/** One sampling round of a step, as the loop's `sampleRound` returns it. */
export interface RoundResult {
  groups: SampledGroup[];
  samplingSeconds: number;
  gradingSeconds: number;
}

export type PlainRound = (
  step: number,
  round: number,
  count: number,
  sampler: RolloutSampler,
) => Promise<RoundResult>;

/** Weight sync as the pipeline drives it: export `version` now, then `load` it on the servers. */
export type SyncVersion = (
  version: number,
) => Promise<{ exportSeconds: number; load: () => Promise<SyncResult> }>;

export interface PipelineOptions {
  rollout: Pick<RolloutConfig, "maxStaleness" | "syncEvery" | "correction">;
  /** The last step of the run (nothing is sampled ahead past it). */
  lastStep: number;
  /** Steps already trained (a resumed run starts there). */
  trainerVersion: number;
  /** The loop's sampling with a given sampler (groups graded and scored). */
  plainRound: PlainRound;
  /** The sampler serving the model `name`. */
  samplerFor: (model: string) => RolloutSampler;
  sync: SyncVersion;
}

interface InFlight {
  version: number;
  result: Promise<RoundResult>;
}

/**
 * Rollouts sampled on inference servers, with versions. The trainer's version is the number of steps
 * it has trained; the servers serve the version last synced; every sample batch carries the version
 * that produced it, and its staleness is trainer version − batch version when it is trained on.
 * With maxStaleness k ≥ 1, the batch of step t+1 is requested as soon as step t's batch is in
 * (so it samples while step t trains: one-step off-policy, as AReaL arXiv:2505.24298 and PipelineRL
 * arXiv:2509.19128 pipeline it); a batch staler than k is dropped (sync, sample again) or kept for
 * the configured rolloutCorrection to reweight ("correct"). A sync never changes the weights under a
 * request in flight: the trainer exports while the servers sample, and the servers load once the
 * request has finished, so a batch's version is exact.
 */
export class RolloutPipeline {
  private trainerVersion: number;
  private serverVersion = -1;
  private sampler: RolloutSampler | undefined;
  private prefetched = new Map<number, InFlight>();
  private metrics: Record<string, number> = {};
  private lastStepEnded = performance.now();

  constructor(private readonly options: PipelineOptions) {
    this.trainerVersion = options.trainerVersion;
  }

  /** Makes the servers serve the trainer's current weights (at the start of a run). */
  async start(): Promise<void> {
    await this.syncNow();
    this.metrics = {};
    this.lastStepEnded = performance.now();
  }

  /** Step `step`'s sampling round `round` (the loop's hook); round 0 may come from the prefetch. */
  async sampleRound(step: number, round: number, count: number): Promise<RoundResult> {
    const waitStarted = performance.now();
    const ahead = round === 0 && this.options.rollout.maxStaleness > 0;
    let batch = (ahead ? this.takePrefetched(step) : undefined) ?? this.launch(step, round, count);
    let result = await batch.result;
    if (this.trainerVersion - batch.version > this.options.rollout.maxStaleness) {
      this.add("staleBatches", 1);
      if (this.options.rollout.correction === "drop") {
        this.add("staleBatchesDropped", 1);
        await this.syncNow();
        batch = this.launch(step, round, count);
        result = await batch.result;
      }
    }
    this.add("rolloutWaitSeconds", (performance.now() - waitStarted) / 1000);
    this.add("rolloutSamplingSeconds", result.samplingSeconds);
    this.add("rolloutResponseTokens", responseTokens(result.groups));
    if (round === 0) {
      this.metrics.staleness = this.trainerVersion - batch.version;
      this.metrics.samplerVersion = batch.version;
    }
    if (ahead && step < this.options.lastStep) this.prefetched.set(step + 1, this.launch(step + 1, 0, count));
    return result;
  }

  /** After step `step` trained: syncs every syncEvery steps; returns the step's rollout metrics. */
  async afterStep(step: number): Promise<Record<string, number>> {
    this.trainerVersion = step;
    if (step % this.options.rollout.syncEvery === 0 || step === this.options.lastStep) await this.syncNow();
    const metrics = { ...this.metrics };
    const seconds = metrics.rolloutSamplingSeconds ?? 0;
    metrics.rolloutTokensPerSecond = seconds > 0 ? (metrics.rolloutResponseTokens ?? 0) / seconds : 0;
    metrics.wallSeconds = (performance.now() - this.lastStepEnded) / 1000;
    this.lastStepEnded = performance.now();
    this.metrics = {};
    return metrics;
  }

  /** At the end of a run: what is in flight finishes unused, then the servers serve the final weights. */
  async finish(): Promise<void> {
    await Promise.allSettled([...this.prefetched.values()].map((batch) => batch.result));
    this.prefetched.clear();
    await this.syncNow();
  }

  /** Forgets sampling still in flight (a run that failed must not wait for it); its result is discarded. */
  close(): void {
    this.prefetched.clear();
  }

  private async syncNow(): Promise<void> {
    if (this.serverVersion === this.trainerVersion) return;
    const started = performance.now();
    const exported = await this.options.sync(this.trainerVersion);
    // The servers must not change weights under a request in flight (its version would be wrong); the
    // trainer waits for that sampling, which counts as rollout wait, not as sync.
    const waitStarted = performance.now();
    await Promise.allSettled([...this.prefetched.values()].map((batch) => batch.result));
    const waited = (performance.now() - waitStarted) / 1000;
    const loaded = await exported.load();
    this.sampler = this.options.samplerFor(loaded.model);
    this.serverVersion = this.trainerVersion;
    this.add("syncExportSeconds", exported.exportSeconds);
    this.add("rolloutWaitSeconds", waited);
    this.add("syncSeconds", (performance.now() - started) / 1000 - waited);
  }

  private takePrefetched(step: number): InFlight | undefined {
    const batch = this.prefetched.get(step);
    this.prefetched.delete(step);
    return batch;
  }

  private launch(step: number, round: number, count: number): InFlight {
    if (this.sampler === undefined) throw new Error("RolloutPipeline: start() must run before sampling");
    const result = this.options.plainRound(step, round, count, this.sampler);
    result.catch(() => undefined); // awaited later; a failure surfaces there
    return { version: this.serverVersion, result };
  }

  private add(name: string, value: number): void {
    this.metrics[name] = (this.metrics[name] ?? 0) + value;
  }
}

function responseTokens(groups: SampledGroup[]): number {
  return groups.reduce(
    (sum, group) => sum + group.samples.reduce((total, sample) => total + sample.tokens.length, 0),
    0,
  );
}
