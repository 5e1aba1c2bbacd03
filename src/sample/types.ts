/** Why a generation ended: natural stop, length cap, or an error/cancellation on our side. */
export type FinishReason = "stop" | "length" | "error" | "cancelled";

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** True when completionTokens is an estimate (n > 1 usage shared out by text length, or counted from chunks). */
  estimated?: boolean;
}

/** One generated response to one problem. `index` is the sample's position among the problem's n samples. */
export interface Sample {
  problemId: string;
  index: number;
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  /** Response token ids, when the backend returns them (the engine does). */
  tokens?: number[];
  /** Per-token log-probs of the sampled tokens under the sampler. */
  logprobs?: number[];
  /** Per-token top alternatives: token text → log-prob. */
  topLogprobs?: Record<string, number>[];
  /** Tool-using samples (src/sample/tool-rollout.ts): every turn, in order; `text` is their concatenation. */
  turns?: Turn[];
}

/** One turn of a tool-using sample: text the model generated, or a code run and what was appended. */
export type Turn =
  | { kind: "generation"; text: string; finishReason: FinishReason; completionTokens: number }
  | {
      kind: "tool";
      code: string;
      /** What the model reads back (stdout, or the error); `appended` is the exact text added to the transcript. */
      output: string;
      appended: string;
      /** SandboxFusion's RunStatus: Success, Failed, SandboxError. */
      status: string;
      /** Anything but a clean success (non-zero exit, time or output limit, sandbox failure). */
      error: boolean;
      seconds: number;
    };
