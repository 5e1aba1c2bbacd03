/**
 * Times the RL algorithm layer on one training batch: outcome advantages (GRPO) for 64 groups × 8
 * samples, broadcast over 512 sequences × 4,096 response tokens, and the policy loss with its per-token
 * coefficients (PPO clip-higher + dual clip, token_mean, k3 KL to the reference).
 *   npx tsx bench/rl/advantages-loss.ts [sequences] [tokens] [repeats]
 * Prints the median wall time of each stage over the repeats, and the process CPU time of the whole
 * measured section per repeat (on a shared, overloaded machine wall time includes waiting for a core).
 */
import {
  broadcastAdvantages,
  computeAdvantages,
  flattenGroups,
  policyLoss,
  responseMask,
} from "../../src/rl/index.js";

const sequences = Number(process.argv[2] ?? 512);
const tokens = Number(process.argv[3] ?? 4096);
const repeats = Number(process.argv[4] ?? 5);
const groupSize = 8;

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(7);
const rewards_G_N = Array.from({ length: sequences / groupSize }, () =>
  Array.from({ length: groupSize }, () => (next() < 0.4 ? 1 : 0)),
);
const lengths_S = Array.from({ length: sequences }, () =>
  Math.max(1, Math.floor(tokens * (0.25 + 0.75 * next()))),
);
const logprobs = Array.from({ length: sequences }, () => Array.from({ length: tokens }, () => -3 * next()));
const oldLogprobs = logprobs.map((row) => row.map((value) => value + (next() - 0.5) * 0.2));
const refLogprobs = logprobs.map((row) => row.map((value) => value + (next() - 0.5) * 0.2));

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
}

const timings = {
  advantages: [] as number[],
  broadcast: [] as number[],
  loss: [] as number[],
  cpu: [] as number[],
};
for (let repeat = 0; repeat < repeats; repeat++) {
  const cpuStart = process.cpuUsage();
  let start = performance.now();
  const advantages_S = flattenGroups(computeAdvantages(rewards_G_N, { estimator: "grpo" }));
  timings.advantages.push(performance.now() - start);
  start = performance.now();
  const advantages = broadcastAdvantages(advantages_S, lengths_S, tokens);
  const mask = responseMask(lengths_S, tokens);
  timings.broadcast.push(performance.now() - start);
  start = performance.now();
  const result = policyLoss(
    { logprobs, oldLogprobs, advantages, mask, refLogprobs },
    { loss: "ppo", clipHigh: 0.28, dualClip: 3, aggregation: "token_mean", klCoef: 0.001, klEstimator: "k3" },
  );
  timings.loss.push(performance.now() - start);
  const cpu = process.cpuUsage(cpuStart);
  timings.cpu.push((cpu.user + cpu.system) / 1000);
  if (!Number.isFinite(result.loss)) throw new Error("loss is not finite");
}
const total = median(timings.advantages) + median(timings.broadcast) + median(timings.loss);
console.log(
  `batch: ${sequences} sequences × ${tokens} tokens (${lengths_S.reduce((a, b) => a + b, 0)} response tokens)`,
);
console.log(`advantages (grpo):            ${median(timings.advantages).toFixed(2)} ms`);
console.log(`broadcast + mask:             ${median(timings.broadcast).toFixed(1)} ms`);
console.log(`policyLoss (ppo + k3 KL):     ${median(timings.loss).toFixed(1)} ms`);
console.log(`total wall (median of ${repeats}):   ${total.toFixed(1)} ms`);
console.log(`total CPU time (median):      ${median(timings.cpu).toFixed(1)} ms`);
