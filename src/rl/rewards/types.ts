/**
 * What a reward sees of one sampled response: what the loop already computed (the verifier's verdict,
 * the response length in tokens, the finish reason, the text). Rewards never call the verifier.
 */
export interface RewardSample {
  /** The verifier's verdict on the final answer. */
  correct: boolean;
  /** Response length in tokens. */
  responseLength: number;
  /** Why sampling stopped: "stop", "length" (hit the budget), ... */
  finishReason: string;
  text: string;
  /** Tool use of a multi-turn response (training with `tools`): runs, failed runs, void turns. */
  tools?: { calls: number; errors: number; voidTurns: number };
}

/**
 * A reward over one group (the samples of one prompt): returns one number per sample. Group-level
 * rewards (length relative to the group, solve-rate scaling) need the whole group; the others map.
 */
export type RewardFunction = (group_N: RewardSample[], options: Record<string, unknown>) => number[];
