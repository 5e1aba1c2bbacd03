/** Options of an outcome advantage estimator; each estimator reads the keys it knows and ignores the rest. */
export interface AdvantageOptions {
  /** Registry key of the estimator (`"grpo"`, `"rloo"`, ...). */
  estimator: string;
  /** Added to a standard deviation before dividing; default 1e-6 (as verl). */
  epsilon?: number;
  [key: string]: unknown;
}

/**
 * An outcome advantage estimator: `rewards_G_N[g][i]` is the reward of sample i of group g (one group =
 * the samples of one prompt); the result has the same shape. Inputs are already validated.
 */
export type AdvantageEstimator = (rewards_G_N: number[][], options: AdvantageOptions) => number[][];

/** Default epsilon added to standard deviations (verl `core_algos.py`, `epsilon=1e-6`). */
export const DEFAULT_EPSILON = 1e-6;
