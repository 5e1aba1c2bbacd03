/**
 * Where the time of one boxed GRPO step goes, on the demo's config (32 prompts × 8 samples, ≤ 48 tokens,
 * the shipped model, engine threads 1):
 *   npx tsx bench/trl/profile-step.ts [repeats=5]
 * Times each part of `trainStep` from the TS side — /sample, grading and rewards, batch building, /forward,
 * the TS policy loss, /backward, /optim_step — and the JSON bytes each engine call moves; then the same
 * update as one /forward_backward with coefficients from the sampler's log-probs (what an on-policy step
 * needs). Prints medians over the repeats (wall seconds, and CPU seconds of engine + trainer, which a
 * loaded machine distorts less) and the load average.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { startEngine } from "../../src/engine/process.js";
import { PACKAGE_ROOT } from "../../src/engine/python.js";
import { computeAdvantages } from "../../src/rl/advantages/registry.js";
import { policyLoss } from "../../src/rl/losses/policy-loss.js";
import { resolveAlgorithms } from "../../src/rl/train/algorithms.js";
import { buildSequences, sequenceWeights } from "../../src/rl/train/batch.js";
import { loadModelText } from "../../src/rl/train/codec.js";
import { parseTrainConfig } from "../../src/rl/train/config.js";
import { demoTrainConfig } from "../../src/rl/train/demo.js";
import { configProblemSource } from "../../src/rl/train/problems.js";
import { sampleGroups } from "../../src/rl/train/rollouts.js";
import { lossOptions } from "../../src/rl/train/step.js";

const repeats = Number(process.argv[2] ?? 5);
const MODEL = join(PACKAGE_ROOT, "assets", "demo", "model");
const config = parseTrainConfig(demoTrainConfig("unused", MODEL, 0, 60));
const engine = await startEngine({ model: MODEL, seed: 0, threads: 1 });
const text = await loadModelText(MODEL, "raw");
const source = configProblemSource(config);
const { rewarder } = resolveAlgorithms(config);
const times: Record<string, number[]> = {};
const bytes: Record<string, number> = {};
const record = (name: string, seconds: number) => {
  times[name] = [...(times[name] ?? []), seconds];
};
/** Engine + this process CPU seconds (user + system, /proc/PID/stat fields 14–15 in 1/100 s). */
const cpuNow = () => {
  const fields = readFileSync(`/proc/${engine.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const usage = process.cpuUsage();
  return (Number(fields[11]) + Number(fields[12])) / 100 + (usage.user + usage.system) / 1e6;
};
const cpu: Record<string, number[]> = {};
const lap = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
  const [started, startedCpu] = [performance.now(), cpuNow()];
  const result = await work();
  record(name, (performance.now() - started) / 1000);
  cpu[name] = [...(cpu[name] ?? []), cpuNow() - startedCpu];
  return result;
};
const size = (name: string, value: unknown) => {
  bytes[name] = JSON.stringify(value).length;
};

try {
  for (let repeat = 1; repeat <= repeats; repeat++) {
    const problems = source.batch(repeat, config.promptsPerStep);
    const sampled = await lap("sample+grade (sampleGroups)", () =>
      sampleGroups({
        client: engine.client,
        codec: text.codec,
        problems,
        promptTokens: problems.map(text.encodePrompt),
        groupSize: config.groupSize,
        sampling: { ...config.sampling, seed: repeat },
        grade: (items) => source.grade(items),
        rewarder: (facts) => rewarder(facts, {}),
      }),
    );
    record("  of which /sample", sampled.samplingSeconds);
    record("  of which grading+rewards", sampled.gradingSeconds);
    const rewards = sampled.groups.map((group) => group.samples.map((sample) => sample.reward));
    const sequences = await lap("advantages+batch", () =>
      buildSequences(sampled.groups, computeAdvantages(rewards, { estimator: "grpo" }), {}),
    );
    const data = sequences.map((sequence) => sequence.datum);
    size("/forward request", { data });
    const forward = await lap("/forward", () => engine.client.forward({ data, temperature: 1 }));
    size("/forward response", forward);
    const batch = {
      logprobs: sequences.map((s, i) =>
        forward.logprobs[i].slice(s.responseStart, s.responseStart + s.samplerLogprobs.length),
      ),
      oldLogprobs: sequences.map((s) => s.samplerLogprobs),
      advantages: sequences.map((s) => s.samplerLogprobs.map(() => s.advantage)),
      mask: sequences.map((s) => s.samplerLogprobs.map(() => 1)),
    };
    const loss = await lap("policy loss (TS)", () => policyLoss(batch, lossOptions(config)));
    const weights = sequences.map((s, i) => sequenceWeights(s, loss.coefficients[i]));
    size("/backward request", { handle: forward.handle, weights });
    await lap("/backward", () => engine.client.backward({ handle: forward.handle, weights }));
    const adam = { learning_rate: 0, beta1: 0.9, beta2: 0.95, weight_decay: 0 };
    await lap("/optim_step", () => engine.client.optimStep({ adam_params: adam, grad_clip_norm: 1 }));
    // The same update in one call (on-policy: the sampler's log-probs give the coefficients).
    const onPolicy = policyLoss({ ...batch, logprobs: batch.oldLogprobs }, lossOptions(config));
    const weighted = sequences.map((s, i) => ({
      ...s.datum,
      weights: sequenceWeights(s, onPolicy.coefficients[i]),
    }));
    size("/forward_backward request", { data: weighted });
    await lap("/forward_backward (one call)", () =>
      engine.client.forwardBackward({ data: weighted, temperature: 1 }),
    );
    await lap("/optim_step ", () => engine.client.optimStep({ adam_params: adam, grad_clip_norm: 1 }));
  }
} finally {
  await engine.stop();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const lines = Object.entries(times).map(
  ([name, values]) =>
    `${name.padEnd(32)} ${median(values).toFixed(3)} s wall` +
    (cpu[name] ? `  ${median(cpu[name]).toFixed(3)} s CPU` : ""),
);
const payloads = Object.entries(bytes).map(
  ([name, count]) => `${name.padEnd(32)} ${(count / 1e6).toFixed(2)} MB`,
);
process.stdout.write(
  `${[
    `median of ${repeats} repeats, load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(" ")}`,
    ...lines,
    ...payloads,
  ].join("\n")}\n`,
);
