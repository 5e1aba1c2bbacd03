/** One sampled response, ready for the loss: prompt and response token ids with the sampler's log-probs. */
export interface Rollout {
  problemId: string;
  promptTokens: number[];
  responseTokens: number[];
  /** Log-prob of each response token under the policy that sampled it (rollout correction, PPO ratios). */
  samplerLogprobs: number[];
  /** Reward terms by name (e.g. correct, format, overlong); the total is their weighted sum. */
  rewards: Record<string, number>;
  advantage: number;
}
