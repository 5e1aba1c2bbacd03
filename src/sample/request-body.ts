/** The JSON body of a chat or text completion request, from boxed's camelCase request. */
import type { GenerationRequest } from "./client.js";
import { checkOptionKeys } from "./retry.js";

const REQUEST_KEYS = [
  "model",
  "n",
  "temperature",
  "topP",
  "maxTokens",
  "seed",
  "stop",
  "topLogprobs",
  "logitBias",
  "returnTokenIds",
  "extraBody",
];

/**
 * Chat asks for log-probs as `logprobs: true, top_logprobs: k`; legacy completions as `logprobs: k`
 * (OpenAI API reference, "Create chat completion" / "Create completion").
 */
export function generationBody(
  request: GenerationRequest,
  endpoint: "chat" | "completions",
): Record<string, unknown> {
  checkOptionKeys("generation request", request as unknown as Record<string, unknown>, REQUEST_KEYS);
  const logprobs =
    request.topLogprobs === undefined
      ? {}
      : endpoint === "chat"
        ? { logprobs: true, top_logprobs: request.topLogprobs }
        : { logprobs: request.topLogprobs };
  return {
    model: request.model,
    ...(request.n !== undefined && { n: request.n }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.topP !== undefined && { top_p: request.topP }),
    ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
    ...(request.seed !== undefined && { seed: request.seed }),
    ...(request.stop?.length ? { stop: request.stop } : {}),
    ...(request.logitBias && { logit_bias: request.logitBias }),
    ...(request.returnTokenIds && { return_token_ids: true }),
    ...logprobs,
    ...request.extraBody,
  };
}
