import { getPromptTemplate, renderPrompt } from "../../data/prompts.js";
import type { Problem } from "../../data/types.js";
import { loadTokenizer } from "../../tokenize/index.js";
import type { TextCodec } from "./types.js";

/** A model's codec and its prompt encoder for a template. */
export interface ModelText {
  codec: TextCodec;
  /** Prompt token ids of a problem: "raw" = the question text as-is; else the template through the chat template. */
  encodePrompt: (problem: Problem) => number[];
}

/**
 * Loads the tokenizer of a model directory. Stop tokens are the model's eos ids. Template "raw"
 * encodes the question with no special tokens (what the tiny model and the synthetic tasks use);
 * any registered prompt template renders the chat with the model's own chat template.
 */
export async function loadModelText(modelDirectory: string, template: string): Promise<ModelText> {
  const tokenizer = await loadTokenizer(modelDirectory);
  const codec: TextCodec = {
    encode: (text) => tokenizer.encode(text, { addSpecialTokens: false }),
    decode: (tokens) => tokenizer.decode(tokens, { skipSpecialTokens: true }),
    stopTokenIds: tokenizer.eosTokenIds,
  };
  if (template === "raw") return { codec, encodePrompt: (problem) => codec.encode(problem.question) };
  const promptTemplate = getPromptTemplate(template);
  return {
    codec,
    encodePrompt(problem) {
      const rendered = renderPrompt(promptTemplate, problem, "completion", (messages) =>
        tokenizer.renderChat(messages as Parameters<typeof tokenizer.renderChat>[0], {
          addGenerationPrompt: true,
        }),
      );
      return codec.encode(rendered.kind === "completion" ? rendered.prompt : "");
    },
  };
}
