/** Tokenization and chat-template rendering from a model's HuggingFace files, in TypeScript. */
export { type ChatMessage, type RenderChatOptions, renderTemplate, selectTemplate } from "./chat-template.js";
export {
  type DecodeOptions,
  type EncodeOptions,
  loadTokenizer,
  Tokenizer,
  type TokenizerFiles,
} from "./tokenizer.js";
