/** A batch of sequences for the policy loss; every matrix is indexed [sequence][token] with one shape. */
export interface PolicyLossBatch {
  /** Per-token log-probs under the current policy (the variable the coefficients differentiate). */
  logprobs: number[][];
  /** Per-token log-probs under the policy that produced the rollouts (PPO's π_old). */
  oldLogprobs: number[][];
  /** Per-token advantages (outcome advantages broadcast over the response, see `broadcastAdvantages`). */
  advantages: number[][];
  /** 1 for response tokens that count, 0 for padding and prompt tokens. */
  mask: number[][];
  /** Per-token log-probs under the reference policy; needed when `klCoef` > 0. */
  refLogprobs?: number[][];
}

export type AggregationName =
  | "token_mean"
  | "seq_mean_token_mean"
  | "seq_mean_token_sum"
  | "seq_mean_token_sum_norm";
export type KlEstimatorName = "k1" | "k2" | "k3";

export interface PolicyLossOptions {
  /** Registry key of the loss: "ppo", "reinforce", "importance_sampling", "gspo", "cispo". */
  loss: string;
  /** ε_low: the ratio is clipped below at 1 − ε_low. Default 0.2 (GSPO: 3e-4; CISPO: 1, i.e. no lower bound). */
  clipLow?: number;
  /** ε_high: the ratio is clipped above at 1 + ε_high. Default clipLow (GSPO: 4e-4; CISPO: 0.28). */
  clipHigh?: number;
  /** Dual-clip constant c > 1: for negative advantages the loss is at most −A·c. Default: off. */
  dualClip?: number;
  /** NGRPO asymmetric clipping: ε for tokens with A > 0 (both bounds); overrides clipLow/clipHigh there. */
  clipPositive?: number;
  /** NGRPO asymmetric clipping: ε for tokens with A < 0 (both bounds); overrides clipLow/clipHigh there. */
  clipNegative?: number;
  /** UloRL: mask tokens of positive-advantage sequences whose probability exp(logp) ≥ this value. */
  masteredProbability?: number;
  /** How token losses are averaged; default "token_mean". */
  aggregation?: AggregationName;
  /** Constant divisor of "seq_mean_token_sum_norm" (Dr. GRPO); default: the padded width of the batch. */
  maxLength?: number;
  /** Weight of the KL-to-reference penalty added to the loss; default 0. */
  klCoef?: number;
  /** Estimator of KL(π‖π_ref) per token; default "k3". */
  klEstimator?: KlEstimatorName;
}

export interface PolicyLossResult {
  loss: number;
  /** coefficients[s][t] = ∂loss/∂logprobs[s][t]; 0 where the mask is 0. */
  coefficients: number[][];
  metrics: Record<string, number>;
}

/** What a registered loss receives: the batch plus the aggregation weights (loss = Σ weights·ℓ). */
export interface LossInput {
  logprobs_S_T: number[][];
  oldLogprobs_S_T: number[][];
  advantages_S_T: number[][];
  mask_S_T: number[][];
  /** The aggregation: token t of sequence s weighs sequenceWeights_S[s]·mask[s][t] (`aggregation.ts`). */
  sequenceWeights_S: number[];
  /**
   * Log-probs seen by stop-gradient terms (CISPO's weight). Equal to logprobs_S_T in training; a
   * gradient check holds them fixed to test the surrogate whose gradient the coefficients are.
   */
  detachedLogprobs_S_T: number[][];
}

/** Clip settings resolved from the options and the loss's defaults. */
export interface ClipOptions {
  clipLow: number;
  clipHigh: number;
  dualClip?: number;
  clipPositive?: number;
  clipNegative?: number;
}

export interface LossTerms {
  loss: number;
  coefficients_S_T: number[][];
  metrics: Record<string, number>;
}

/** A registered policy loss: its default clip range and its value-and-gradient function. */
export interface PolicyLossDefinition {
  /** Set when the loss holds a stop-gradient term: the returned loss is then a surrogate (say which). */
  stopGradient?: string;
  defaults: { clipLow: number; clipHigh?: number };
  compute: (input: LossInput, clip: ClipOptions) => LossTerms;
}
