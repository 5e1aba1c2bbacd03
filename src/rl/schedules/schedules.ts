import { assertFiniteNumber, lookup, numberOption } from "../validate.js";

/**
 * A schedule maps a training step (0-based) to a value: a learning rate, a KL coefficient, a maximum
 * response length. Options are plain numbers so a config selects one by name (`schedule: "cosine"`).
 */
export type Schedule = (step: number, options: Record<string, unknown>) => number;

/** Linear warm-up factor from 0 to 1 over `warmupSteps` (1 when there is no warm-up). */
function warmupFactor(step: number, warmupSteps: number): number {
  return warmupSteps > 0 && step < warmupSteps ? (step + 1) / warmupSteps : 1;
}

/** Progress in [0, 1] through the decay phase after the warm-up. */
function decayProgress(step: number, options: Record<string, unknown>): number {
  const totalSteps = numberOption(options, "totalSteps", 1, 1);
  const warmupSteps = numberOption(options, "warmupSteps", 0, 0);
  const span = Math.max(totalSteps - warmupSteps, 1);
  return Math.min(Math.max((step - warmupSteps) / span, 0), 1);
}

/** constant — value (default 1). */
const constant: Schedule = (_step, options) => numberOption(options, "value", 1);

/**
 * linear — linear warm-up then linear decay (Goyal et al. 2017 warm-up, arXiv:1706.02677):
 *   v(t) = w(t) · (start + (end − start)·progress(t)).
 * Options start (default 1), end (default 0), totalSteps, warmupSteps (default 0).
 */
const linear: Schedule = (step, options) => {
  const start = numberOption(options, "start", 1);
  const end = numberOption(options, "end", 0);
  const warmup = warmupFactor(step, numberOption(options, "warmupSteps", 0, 0));
  return warmup * (start + (end - start) * decayProgress(step, options));
};

/**
 * cosine — SGDR without restarts, Loshchilov & Hutter 2017, arXiv:1608.03983:
 *   v(t) = w(t) · (end + (start − end)·(1 + cos(π·progress(t)))/2).
 */
const cosine: Schedule = (step, options) => {
  const start = numberOption(options, "start", 1);
  const end = numberOption(options, "end", 0);
  const warmup = warmupFactor(step, numberOption(options, "warmupSteps", 0, 0));
  return warmup * (end + ((start - end) * (1 + Math.cos(Math.PI * decayProgress(step, options)))) / 2);
};

/**
 * stages — piecewise constant: values[k] from boundaries[k−1] (inclusive) on, e.g. the staged context
 * growth 8k → 16k → 24k of DeepScaleR (Luo et al. 2025, no arXiv; blog) and DAPO-style recipes.
 * Options boundaries (ascending steps, length K), values (length K + 1).
 */
const stages: Schedule = (step, options) => {
  const boundaries = options.boundaries as number[] | undefined;
  const values = options.values as number[] | undefined;
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
    throw new Error("options.values must be an array with one more entry than options.boundaries");
  }
  for (const [index, value] of values.entries()) assertFiniteNumber(`options.values[${index}]`, value);
  let stage = 0;
  while (stage < boundaries.length && step >= boundaries[stage]) stage++;
  return values[stage];
};

/**
 * siri — SIRI, Wen et al. 2025, "Scaling Iterative Reinforcement Learning with Interleaved Compression",
 * arXiv:2509.25176: the maximum response length alternates between a compression phase (short budget)
 * and an expansion phase (long budget), each `period` steps:
 *   L(t) = shortLength if ⌊t/period⌋ is even (compress first), else longLength.
 * Options shortLength, longLength, period (default 100), startWith ("compress" | "expand").
 */
const siri: Schedule = (step, options) => {
  const shortLength = numberOption(options, "shortLength", 4096, 1);
  const longLength = numberOption(options, "longLength", 8192, shortLength);
  const period = numberOption(options, "period", 100, 1);
  const compressFirst = options.startWith !== "expand";
  const even = Math.floor(step / period) % 2 === 0;
  return even === compressFirst ? shortLength : longLength;
};

/** Schedules by config name (learning rate, KL coefficient, maximum response length). */
export const schedules = new Map<string, Schedule>([
  ["constant", constant],
  ["linear", linear],
  ["cosine", cosine],
  ["stages", stages],
  ["siri", siri],
]);

/** The value of the named schedule (`options.schedule`) at `step`. */
export function scheduleValue(step: number, options: { schedule: string; [key: string]: unknown }): number {
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`step must be a non-negative integer, got ${step}`);
  if (options === null || typeof options !== "object") throw new Error("options must be an object");
  return lookup(schedules, "options.schedule", options.schedule)(step, options);
}
