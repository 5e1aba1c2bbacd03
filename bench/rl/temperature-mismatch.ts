/**
 * How far apart the sampler's and the trainer's log-probs are, on the demo model's addition prompts,
 * with the trainer scoring at the sampling temperature (as the loop does) and untempered (as it did
 * before the engine took `temperature`):
 *   npx tsx bench/rl/temperature-mismatch.ts [temperature] [prompts] [samples]
 * Prints max |Δ| per token and the k1 estimate of KL(π_sampler‖π_trainer) = mean(log π_s − log π_t)
 * over the sampled tokens, for each way of scoring. Untempered, the second is KL(π_T‖π_1): the gap
 * between the policy sampled and the policy optimised, which no metric used to show.
 */
import { join } from "node:path";
import { getTask } from "../../src/data/tasks/registry.js";
import { startEngine } from "../../src/engine/process.js";
import { PACKAGE_ROOT } from "../../src/engine/python.js";
import { loadModelText } from "../../src/rl/train/codec.js";

const temperature = Number(process.argv[2] ?? 0.6);
const promptCount = Number(process.argv[3] ?? 32);
const samples = Number(process.argv[4] ?? 8);
const model = join(PACKAGE_ROOT, "assets", "demo", "model");

const { codec, encodePrompt } = await loadModelText(model, "raw");
const problems = getTask("addition").generate({ seed: 1, count: promptCount, difficulty: 2 });
const prompts = problems.map((problem) => encodePrompt(problem));
const engine = await startEngine({ model, seed: 0, threads: 1 });
try {
  const sampled = await engine.client.sample({
    prompts,
    num_samples: samples,
    sampling_params: { max_tokens: 8, temperature, seed: 7, stop_token_ids: codec.stopTokenIds },
  });
  const rows = sampled.samples.flatMap((group, index) =>
    group.map((sample) => ({ prompt: prompts[index], sample })),
  );
  const data = rows.map(({ prompt, sample }) => {
    const full = [...prompt, ...sample.tokens];
    return { tokens: full.slice(0, -1), target_tokens: full.slice(1) };
  });
  for (const [label, scoring] of [
    [`trainer at T = ${temperature}`, temperature],
    ["trainer untempered (T = 1)", 1],
  ] as const) {
    const scored = await engine.client.logprobs({ data, temperature: scoring });
    let worst = 0;
    let sum = 0;
    let count = 0;
    rows.forEach(({ prompt, sample }, row) => {
      sample.logprobs.forEach((value, token) => {
        const difference = value - scored.logprobs[row][prompt.length - 1 + token];
        worst = Math.max(worst, Math.abs(difference));
        sum += difference;
        count++;
      });
    });
    console.log(
      `${label}: ${count} tokens, max |Δ| ${worst.toExponential(2)}, k1 KL ${(sum / count).toExponential(3)}`,
    );
  }
} finally {
  await engine.stop();
}
