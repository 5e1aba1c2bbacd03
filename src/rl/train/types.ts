import type { Problem } from "../../data/types.js";

/** Text ↔ token ids for one model (the tokenizer of the engine's model). */
export interface TextCodec {
  encode(text: string): number[];
  decode(tokens: number[]): string;
  /** Token ids that end a response (eos); stripped before decoding a response. */
  stopTokenIds: number[];
}

/** Tool use of one multi-turn response (training with tools, `src/rl/train/tools/`). */
export interface SampleTools {
  /** Code runs. */
  calls: number;
  /** Runs that were not a clean success (timeout, exception, sandbox failure). */
  errors: number;
  /** Turns with neither a complete code block nor a final answer (SimpleTIR, arXiv:2509.02479). */
  voidTurns: number;
  /** Wall seconds in the sandbox. */
  seconds: number;
}

/** One sampled response with what the loop learned about it. */
export interface ScoredSample {
  tokens: number[];
  /** Sampler log-probs of `tokens` (the policy's own, before temperature); 0 at tool-output tokens. */
  logprobs: number[];
  /** 1 where the engine sampled the token, 0 where a tool's output was appended (absent: all 1). */
  sampledMask?: number[];
  tools?: SampleTools;
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
