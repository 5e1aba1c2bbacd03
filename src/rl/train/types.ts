import type { Problem } from "../../data/types.js";

/** Text ↔ token ids for one model (the tokenizer of the engine's model). */
export interface TextCodec {
  encode(text: string): number[];
  decode(tokens: number[]): string;
  /** Token ids that end a response (eos); stripped before decoding a response. */
  stopTokenIds: number[];
}

/** One sampled response with what the loop learned about it. */
export interface ScoredSample {
  tokens: number[];
  /** Sampler log-probs of `tokens` (the policy's own, before temperature). */
  logprobs: number[];
  stopReason: "stop" | "length";
  text: string;
  correct: boolean;
  /** Reward terms by name and their weighted total. */
  rewardTerms: Record<string, number>;
  reward: number;
}

/** The samples of one prompt. */
export interface SampledGroup {
  problem: Problem;
  promptTokens: number[];
  samples: ScoredSample[];
}

/** Where problems come from and how responses are checked. */
export interface ProblemSource {
  /**
   * Training problems of one step: deterministic in (seed, step, round), never from the held-out set.
   * Round 0 is the step's batch; rounds 1, 2, … are fresh problems to refill dropped groups.
   */
  batch(step: number, count: number, round?: number): Problem[];
  /** The held-out evaluation problems. */
  heldOut: Problem[];
  /** Whether each response's answer is correct (may use a worker pool, hence async). */
  grade(items: { problem: Problem; response: string }[]): Promise<boolean[]>;
}

/** One line of metrics.jsonl. */
export type StepMetrics = Record<string, number> & { step: number };
