import type { StreamedCompletion } from "../../sample/chat-stream.js";
import { type ToolPrompt, type ToolRolloutOptions, toolRollout } from "../../sample/tool-rollout.js";
import type { LiveSampler } from "./run.js";

/**
 * A live sampler whose samples use tools: sample `index` is one multi-turn tool rollout
 * (src/sample/tool-rollout.ts, seed + index when a seed is set), so an online strategy votes over
 * the final answers of tool-using transcripts. Aborting the signal cancels the turn in flight.
 * Turns are not streamed: no per-token log-probs, so confidence strategies (DeepConf) do not apply.
 */
export function toolLiveSampler(prompt: ToolPrompt, options: ToolRolloutOptions): LiveSampler {
  return async (index, signal): Promise<StreamedCompletion> => {
    const { seed } = options.generation;
    const rollout = await toolRollout(
      prompt,
      {
        ...options,
        generation: { ...options.generation, ...(seed !== undefined && { seed: seed + index }) },
      },
      { signal, label: `sample ${index}` },
    );
    return {
      text: rollout.text,
      finishReason: rollout.finishReason,
      usage: rollout.usage,
      logprobs: [],
      topLogprobs: [],
    };
  };
}
