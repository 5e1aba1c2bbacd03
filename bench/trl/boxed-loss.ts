/**
 * boxed's side of bench/trl/loss-equality.py: reads {rewards_G_N, logprobs, oldLogprobs, mask, epsilon} as JSON on stdin,
 * computes GRPO advantages (`computeAdvantages`, estimator "grpo") and the PPO-clip loss with
 * seq_mean_token_mean aggregation (`policyLoss`), and prints {loss, coefficients, advantages} as JSON.
 * Usage: npx tsx bench/trl/boxed-loss.ts < batch.json
 */
import { readFileSync } from "node:fs";
import { broadcastAdvantages, computeAdvantages, flattenGroups } from "../../src/rl/advantages/index.js";
import { policyLoss } from "../../src/rl/losses/index.js";

interface Batch {
  rewards_G_N: number[][];
  logprobs: number[][];
  oldLogprobs: number[][];
  mask: number[][];
  epsilon: number;
}

const batch = JSON.parse(readFileSync(0, "utf8")) as Batch;
const advantages_S = flattenGroups(
  computeAdvantages(batch.rewards_G_N, { estimator: "grpo", epsilon: batch.epsilon }),
);
const lengths_S = batch.mask.map((row) => row.reduce((sum, value) => sum + value, 0));
const width = batch.mask[0]?.length ?? 0;
const result = policyLoss(
  {
    logprobs: batch.logprobs,
    oldLogprobs: batch.oldLogprobs,
    advantages: broadcastAdvantages(advantages_S, lengths_S, width),
    mask: batch.mask,
  },
  { loss: "ppo", clipLow: 0.2, clipHigh: 0.2, aggregation: "seq_mean_token_mean", klCoef: 0 },
);
process.stdout.write(
  `${JSON.stringify({ loss: result.loss, coefficients: result.coefficients, advantages: advantages_S })}\n`,
);
