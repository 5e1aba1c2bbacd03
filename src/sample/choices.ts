import type { Sample } from "./types.js";
import type { Completion } from "./wire.js";

/**
 * Turns a completion's choices into Samples numbered from `firstIndex`. Each sample's completion
 * tokens are its own when the server said them per choice (token ids or one log-prob per token) or
 * when there is one choice (usage is then exact). Otherwise usage covers all choices and is shared
 * out in proportion to text length: such counts carry `estimated: true`.
 */
export function choicesToSamples(
  completion: Completion,
  problemId: string,
  firstIndex: number,
  n: number,
): Sample[] {
  const choices = completion.choices.slice(0, n);
  const { promptTokens, completionTokens: total } = completion.usage;
  const exact = choices.every((choice) => choice.completionTokens !== undefined);
  const characters = choices.reduce((sum, choice) => sum + choice.text.length, 0);
  return choices.map((choice, offset) => {
    const share = characters === 0 ? 1 / choices.length : choice.text.length / characters;
    const completionTokens = exact
      ? (choice.completionTokens as number)
      : choices.length === 1 && completion.usageReported
        ? total
        : Math.round(total * share);
    const estimated = !exact && !(choices.length === 1 && completion.usageReported);
    return {
      problemId,
      index: firstIndex + offset,
      text: choice.text,
      finishReason: choice.finishReason,
      usage: { promptTokens, completionTokens, ...(estimated && { estimated: true }) },
      ...(choice.tokenIds && { tokens: choice.tokenIds }),
      ...(choice.logprobs && { logprobs: choice.logprobs }),
      ...(choice.topLogprobs && { topLogprobs: choice.topLogprobs }),
    };
  });
}
