import type { ToolFormat } from "../tools/formats/types.js";
import type { CodeSandbox } from "../tools/types.js";
import type { OpenAIClient } from "./client.js";
import {
  type OpenAISamplerOptions,
  type Sampler,
  type SamplerRequest,
  samplerClient,
} from "./openai-sampler.js";
import { toolRollout } from "./tool-rollout.js";
import type { Sample } from "./types.js";

export interface ToolSamplerOptions extends OpenAISamplerOptions {
  sandbox: CodeSandbox;
  format: ToolFormat;
  /** Code runs per sample. */
  maxToolCalls: number;
  /** Seconds per run. */
  runTimeout?: number;
}

/**
 * A Sampler whose samples use tools: each of the n samples is its own multi-turn rollout
 * (tool-rollout.ts); `Sample.text` is the whole transcript and `Sample.turns` every turn.
 */
export class ToolSampler implements Sampler {
  private readonly client: OpenAIClient;

  constructor(readonly options: ToolSamplerOptions) {
    if (!Number.isInteger(options.maxToolCalls) || options.maxToolCalls < 0)
      throw new Error(`maxToolCalls must be an integer ≥ 0, got ${options.maxToolCalls}`);
    this.client = samplerClient(options);
  }

  async sample(request: SamplerRequest, onSample?: (sample: Sample) => void): Promise<Sample[]> {
    const prompt = request.prompt;
    if (prompt.kind === "tokens") throw new Error("tool rollouts need a text or chat prompt, not token ids");
    const params = this.options.params ?? {};
    return Promise.all(
      Array.from({ length: request.n }, async (_, offset) => {
        const index = request.firstIndex + offset;
        const rollout = await toolRollout(
          prompt,
          {
            client: this.client,
            sandbox: this.options.sandbox,
            format: this.options.format,
            maxToolCalls: this.options.maxToolCalls,
            ...(this.options.runTimeout !== undefined && { runTimeout: this.options.runTimeout }),
            generation: {
              model: this.options.model,
              ...(params.temperature !== undefined && { temperature: params.temperature }),
              ...(params.topP !== undefined && { topP: params.topP }),
              ...(params.maxTokens !== undefined && { maxTokens: params.maxTokens }),
              ...(params.seed !== undefined && { seed: params.seed + index }),
              ...(params.stop !== undefined && { stop: params.stop }),
              ...(params.extraBody && { extraBody: params.extraBody }),
            },
          },
          { label: `problem ${request.problemId}, sample ${index}` },
        );
        const sample: Sample = { problemId: request.problemId, index, ...rollout };
        onSample?.(sample);
        return sample;
      }),
    );
  }
}
