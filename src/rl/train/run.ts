import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { connectEngine } from "../../engine/connect.js";
import { type RunningEngine, startEngine } from "../../engine/process.js";
import { renderTrainingReport } from "../../report/training.js";
import { loadLatestCheckpoint, saveCheckpoint, type TrainerState } from "./checkpoint.js";
import type { TrainConfig } from "./config.js";
import { evaluateHeldOut, type HeldOutResult } from "./evaluate.js";
import { createLiveView, formatEvaluation, formatStepLine, type LiveView } from "./live-view.js";
import { type Prepared, prepareRun, refuseEarlierRun } from "./prepare-run.js";
import { rolloutIdentity, rolloutProblems, withoutSecrets } from "./rollout/config.js";
import { createRollout } from "./rollout/create.js";
import {
  appendJsonLines,
  prepareOutputDirectory,
  readJsonLines,
  truncateJsonLines,
  writeFileAtomic,
} from "./run-files.js";
import { type StepContext, type StepResult, sampleRound, trainStep } from "./step.js";
import { openToolRuntime, toolsProblems } from "./tools/runtime.js";
import type { ProblemSource, StepMetrics } from "./types.js";

export interface TrainOptions {
  /** Continue from `<out>/checkpoints/latest.json` (same data order, RNG and optimizer state). */
  resume?: boolean;
  /** Reuse a running engine (tests batch several runs into one process); it is left running. */
  engine?: RunningEngine;
  view?: LiveView;
  /** Checkpoint and stop cleanly on SIGINT/SIGTERM. Default true. */
  handleSignals?: boolean;
  /**
   * A custom task instead of `data.task` (see `defineEnv` in `env.ts`): where problems come from
   * and how responses are graded.
   */
  source?: ProblemSource;
}

export interface EvaluationRecord extends HeldOutResult {
  step: number;
  label: string;
}

export interface TrainSummary {
  out: string;
  steps: number;
  stopped: "completed" | "signal" | "time";
  before?: EvaluationRecord;
  after?: EvaluationRecord;
  seconds: number;
  /** The final model as a HF directory (`<out>/model`); absent when a signal stopped the run. */
  model?: string;
  /** `<out>/report.html`. */
  report: string;
}

const EVAL_SEED = 0x5eed;

/** Fields a resume must not change (the run would no longer be the same run). */
function configHash(config: TrainConfig): string {
  // engine: where the engine runs (ranks, URL) may change on --resume; DCP checkpoints reshard
  const { out, steps, maxMinutes, evaluation, checkpointEvery, logRollouts, engine, ...fixed } = config;
  void [out, steps, maxMinutes, evaluation, checkpointEvery, logRollouts, engine];
  const identity = { ...fixed, rollout: rolloutIdentity(fixed.rollout) };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 16);
}

/** Rejects when the engine process exits, naming the step and the checkpoint to resume from. */
function crashWatch(
  engine: RunningEngine,
  progress: { step: number; checkpoint: number },
  stderr: string[],
): Promise<never> {
  const watch = new Promise<never>((_, reject) => {
    engine.exited.then(({ code, signal }) => {
      const tail = stderr.join("").split("\n").slice(-8).join("\n");
      reject(
        new Error(
          `engine exited (code ${code}, signal ${signal}) during step ${progress.step + 1}; ` +
            `the last checkpoint is step ${progress.checkpoint} — rerun with --resume to continue.\n${tail}`,
        ),
      );
    });
  });
  watch.catch(() => undefined);
  return watch;
}

/**
 * Runs RLVR training as configured: prepares the run directory, starts the engine, evaluates on the
 * held-out split, runs the steps (metrics.jsonl, rollouts.jsonl, live view, periodic evaluation and
 * checkpoints), evaluates again, checkpoints, and writes report.html.
 */
export async function runTraining(config: TrainConfig, options: TrainOptions = {}): Promise<TrainSummary> {
  const out = resolve(config.out);
  const problems = rolloutProblems(config.rollout, {
    loraRank: config.model.loraRank,
    correction: config.rolloutCorrection !== undefined,
  });
  problems.push(...toolsProblems(config));
  if (problems.length > 0) throw new Error(`invalid training config: ${problems.join("; ")}`);
  prepareOutputDirectory(out);
  const files = {
    config: join(out, "config.json"),
    metrics: join(out, "metrics.jsonl"),
    rollouts: join(out, "rollouts.jsonl"),
    evals: join(out, "evals.jsonl"),
    report: join(out, "report.html"),
  };
  if (!options.resume) refuseEarlierRun(out);
  if (options.resume && existsSync(files.config)) {
    const previous = JSON.parse(readFileSync(files.config, "utf8")) as { hash?: string };
    if (previous.hash !== undefined && previous.hash !== configHash(config)) {
      throw new Error(
        `--resume: the config differs from the run's in ${out}/config.json (only steps, maxMinutes, evaluation, checkpointEvery and engine may change)`,
      );
    }
  }
  const prepared = await prepareRun(config, out, options);
  const resolved = {
    ...withoutSecrets(config),
    hash: configHash(config),
    ...(options.source ? { customSource: true } : {}),
  };
  writeFileAtomic(files.config, `${JSON.stringify(resolved, null, 2)}\n`);
  const view = options.view ?? createLiveView();
  const stderr: string[] = [];
  const remote =
    config.engine.url === undefined
      ? undefined
      : { url: config.engine.url, token: process.env[config.engine.tokenEnv] };
  const engine =
    options.engine ??
    (remote && (await connectEngine(remote))) ??
    (await startEngine({
      model: prepared.modelDirectory,
      processes: config.engine.processes,
      seed: config.seed,
      // the run's folder, and the weight-sync folder the rollout servers read when it lies elsewhere
      stateDir: [out, ...(config.rollout.syncDir ? [resolve(config.rollout.syncDir)] : [])],
      dtype: config.model.dtype,
      reference: config.loss.klCoef > 0 && config.model.loraRank === 0 ? "copy" : "none",
      lora:
        config.model.loraRank > 0
          ? {
              rank: config.model.loraRank,
              alpha: config.model.loraAlpha,
              targets: config.model.loraTargets.split(","),
            }
          : undefined,
      onStderr: (chunk) => {
        stderr.push(chunk);
        if (stderr.length > 50) stderr.shift();
      },
    }));
  try {
    return await trainWithEngine(config, engine, prepared, files, view, options, stderr);
  } finally {
    if (!options.engine) await engine.stop();
  }
}

async function trainWithEngine(
  config: TrainConfig,
  engine: RunningEngine,
  prepared: Prepared,
  files: Record<"config" | "metrics" | "rollouts" | "evals" | "report", string>,
  view: LiveView,
  options: TrainOptions,
  stderr: string[],
): Promise<TrainSummary> {
  const started = performance.now();
  const { client } = engine;
  const { text, source, algorithms } = prepared;
  const context: StepContext = {
    config,
    client,
    codec: text.codec,
    source,
    encodePrompt: text.encodePrompt,
    ...algorithms,
    useReference: config.loss.klCoef > 0,
    state: {},
  };
  const tools = config.tools === undefined ? undefined : await openToolRuntime(config.tools);
  if (tools !== undefined) context.tools = tools;
  let state: TrainerState = { step: 0, elapsedSeconds: 0, configHash: configHash(config) };
  if (options.resume) {
    const loaded = await loadLatestCheckpoint(client, config.out);
    if (loaded === null) view.message(`--resume: no checkpoint in ${config.out}; starting from step 0`);
    else {
      state = loaded;
      context.state = structuredClone(loaded.loop ?? {});
      view.message(`resumed from the checkpoint of step ${state.step}`);
    }
    for (const path of [files.metrics, files.rollouts, files.evals]) truncateJsonLines(path, state.step);
  }
  /** Wall time of earlier sessions of this run (before a resume). */
  const earlierSeconds = state.elapsedSeconds;
  const progress = { step: state.step, checkpoint: state.step };
  const crash = crashWatch(engine, progress, stderr);
  const guard = <T>(work: Promise<T>): Promise<T> => Promise.race([work, crash]);
  context.rollout = await guard(
    createRollout({
      rollout: config.rollout,
      out: config.out,
      trainer: client,
      lastStep: config.steps,
      trainerVersion: state.step,
      plainRound: (step, round, count, sampler) => sampleRound(context, step, round, count, sampler),
      onRetry: (message) => view.message(`rollout retry: ${message}`),
    }),
  );
  const evaluate = async (label: string): Promise<EvaluationRecord | undefined> => {
    if (config.evaluation.problems === 0) return undefined;
    const result = await guard(
      evaluateHeldOut({
        client,
        codec: text.codec,
        source,
        encodePrompt: text.encodePrompt,
        samples: config.evaluation.samples,
        maxTokens: config.sampling.maxTokens,
        temperature: config.evaluation.temperature,
        seed: EVAL_SEED,
        ...(tools !== undefined && { tools }),
      }),
    );
    const record = { step: progress.step, label, ...result };
    appendJsonLines(files.evals, [record]);
    view.message(formatEvaluation(label, result));
    return record;
  };
  const checkpoint = async () => {
    state = {
      step: progress.step,
      elapsedSeconds: earlierSeconds + (performance.now() - started) / 1000,
      configHash: state.configHash,
      loop: context.state,
    };
    await guard(saveCheckpoint(client, config.out, state));
    progress.checkpoint = progress.step;
  };

  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal !== null) process.exit(130);
    stopSignal = signal;
    view.message(
      `${signal}: finishing step ${progress.step + 1}, then saving a checkpoint (again to quit now)`,
    );
  };
  if (options.handleSignals ?? true) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  try {
    const evaluations = readJsonLines<EvaluationRecord>(files.evals);
    const before = evaluations.find((record) => record.label === "before") ?? (await evaluate("before"));
    let stopped: TrainSummary["stopped"] = "completed";
    let doneInSession = 0;
    const sessionStarted = performance.now();
    while (progress.step < config.steps) {
      if (stopSignal !== null) {
        stopped = "signal";
        break;
      }
      const minutes = (earlierSeconds + (performance.now() - started) / 1000) / 60;
      if (config.maxMinutes !== undefined && minutes >= config.maxMinutes) {
        stopped = "time";
        break;
      }
      const step = progress.step + 1;
      const result = await guard(trainStep(context, step));
      if (context.rollout) Object.assign(result.metrics, await guard(context.rollout.afterStep(step)));
      progress.step = step;
      doneInSession++;
      recordStep(files, result, config.logRollouts);
      view.step(
        formatStepLine(
          result.metrics,
          config.steps,
          (performance.now() - sessionStarted) / 1000,
          doneInSession,
        ),
      );
      if (config.evaluation.every > 0 && step % config.evaluation.every === 0 && step < config.steps) {
        await evaluate(`step ${step}`);
      }
      if (config.checkpointEvery > 0 && step % config.checkpointEvery === 0) await checkpoint();
    }
    await guard(context.rollout?.finish() ?? Promise.resolve());
    if (progress.checkpoint !== progress.step || progress.step === 0) await checkpoint();
    const after = stopped === "signal" ? undefined : await evaluate("after");
    writeReport(config, files);
    // The final policy as a standard HF directory, for `boxed eval --engine-model <out>/model`.
    const model = stopped === "signal" ? undefined : join(resolve(config.out), "model");
    if (model !== undefined) await guard(client.export(model));
    return {
      out: config.out,
      model,
      report: files.report,
      steps: progress.step,
      stopped,
      before,
      after,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    context.rollout?.close();
    await tools?.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Appends the step's metrics and every rollout (prompt, response, reward terms, advantage). */
function recordStep(
  files: { metrics: string; rollouts: string },
  result: StepResult,
  logRollouts: boolean,
): void {
  appendJsonLines(files.metrics, [result.metrics]);
  if (!logRollouts) return;
  const rollouts = result.groups.flatMap((group, groupIndex) =>
    group.samples.map((sample, index) => ({
      step: result.metrics.step,
      problemId: group.problem.id,
      prompt: group.problem.question,
      gold: group.problem.answer,
      response: sample.text,
      correct: sample.correct,
      rewards: sample.rewardTerms,
      reward: sample.reward,
      advantage: result.advantages_G_N[groupIndex][index],
      length: sample.tokens.length,
      stopReason: sample.stopReason,
      ...(sample.tools && { tools: sample.tools }),
    })),
  );
  appendJsonLines(files.rollouts, rollouts);
}

/** Writes report.html from the run's files (so a resumed run's report covers every step). */
export function writeReport(
  config: TrainConfig,
  files: { metrics: string; evals: string; report: string },
): void {
  const html = renderTrainingReport({
    title: `boxed train — ${config.data.task}`,
    config: withoutSecrets(config) as unknown as Record<string, unknown>,
    metrics: readJsonLines<StepMetrics>(files.metrics),
    evaluations: readJsonLines<EvaluationRecord>(files.evals),
  });
  writeFileAtomic(files.report, html);
}
