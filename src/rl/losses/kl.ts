import { K3_LIMIT, LOG_RATIO_LIMIT } from "./numerics.js";

/** A per-token KL(π‖π_ref) estimate and its derivative with respect to logp. */
export type KlEstimator = (logprob: number, refLogprob: number) => { value: number; derivative: number };

/**
 * KL estimators of Schulman 2020, "Approximating KL Divergence" (http://joschu.net/blog/kl-approx.html),
 * as verl's `kl_penalty`, with x = logp_ref − logp (samples come from π):
 *   k1 = −x;   k2 = x²/2;   k3 = exp(x) − x − 1 (GRPO's choice, arXiv:2402.03300 eq. 4),
 * k3 with x clamped to ±20 and the result clamped to [−10, 10]; clamps stop the gradient.
 */
export const klEstimators = new Map<string, KlEstimator>([
  ["k1", (logprob, refLogprob) => ({ value: logprob - refLogprob, derivative: 1 })],
  [
    "k2",
    (logprob, refLogprob) => ({ value: 0.5 * (logprob - refLogprob) ** 2, derivative: logprob - refLogprob }),
  ],
  [
    "k3",
    (logprob, refLogprob) => {
      const difference = refLogprob - logprob;
      const clamped = Math.min(Math.max(difference, -LOG_RATIO_LIMIT), LOG_RATIO_LIMIT);
      const value = Math.exp(clamped) - clamped - 1;
      if (value > K3_LIMIT) return { value: K3_LIMIT, derivative: 0 };
      if (clamped !== difference) return { value, derivative: 0 };
      return { value, derivative: 1 - Math.exp(clamped) };
    },
  ],
]);
