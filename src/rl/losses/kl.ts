import { K3_LIMIT, LOG_RATIO_LIMIT } from "./numerics.js";

/**
 * A per-token KL(π‖π_ref) estimate: returns the value and writes ∂value/∂logp into `derivative[0]`
 * (a reused one-slot array, so that 2M tokens allocate nothing).
 */
export type KlEstimator = (logprob: number, refLogprob: number, derivative: number[]) => number;

/**
 * KL estimators of Schulman 2020, "Approximating KL Divergence" (http://joschu.net/blog/kl-approx.html),
 * as verl's `kl_penalty`, with x = logp_ref − logp (samples come from π):
 *   k1 = −x;   k2 = x²/2;   k3 = exp(x) − x − 1 (GRPO's choice, arXiv:2402.03300 eq. 4),
 * k3 with x clamped to ±20 and the result clamped to [−10, 10]; clamps stop the gradient.
 */
export const klEstimators = new Map<string, KlEstimator>([
  [
    "k1",
    (logprob, refLogprob, derivative) => {
      derivative[0] = 1;
      return logprob - refLogprob;
    },
  ],
  [
    "k2",
    (logprob, refLogprob, derivative) => {
      derivative[0] = logprob - refLogprob;
      return 0.5 * (logprob - refLogprob) ** 2;
    },
  ],
  [
    "k3",
    (logprob, refLogprob, derivative) => {
      const difference = refLogprob - logprob;
      const clamped = Math.min(Math.max(difference, -LOG_RATIO_LIMIT), LOG_RATIO_LIMIT);
      const exponential = Math.exp(clamped);
      const value = exponential - clamped - 1;
      if (value > K3_LIMIT) {
        derivative[0] = 0;
        return K3_LIMIT;
      }
      derivative[0] = clamped === difference ? 1 - exponential : 0;
      return value;
    },
  ],
]);
