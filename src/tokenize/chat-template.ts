/**
 * Chat-template rendering with `@huggingface/jinja`, with the variables transformers'
 * `apply_chat_template` passes: `messages`, `tools`, `documents`, `add_generation_prompt`, the
 * special tokens (`bos_token`, `eos_token`, ...), and any extra template variables
 * (e.g. Qwen3's `enable_thinking`).
 *
 * Known gap (from @huggingface/jinja, not fixed here): a boolean printed directly (`{{ flag }}`)
 * renders as `true`/`false`, where Python's jinja2 prints `True`/`False`. Templates that only test
 * booleans (`{% if flag %}`) — all the ones we ship or test — are unaffected.
 */
import { Template } from "@huggingface/jinja";

/** One chat turn. Templates may read more fields (`reasoning_content`, `tool_calls`, ...). */
export interface ChatMessage {
  role: string;
  content: string;
  [field: string]: unknown;
}

export interface RenderChatOptions {
  /** Append the opening of an assistant turn (`<|im_start|>assistant\n`), as for generation. Default false. */
  addGenerationPrompt?: boolean;
  /** Tool (function) schemas, for templates that support them. */
  tools?: Record<string, unknown>[];
  /** Retrieved documents, for templates that support them. */
  documents?: Record<string, unknown>[];
  /** Extra template variables, e.g. `{ enable_thinking: false }` for Qwen3. */
  variables?: Record<string, unknown>;
}

/** A named template of a tokenizer config that ships several (`[{name, template}]`). */
interface NamedTemplate {
  name: string;
  template: string;
}

/**
 * The chat template source from a `tokenizer_config.json` value: a string, or a list of named
 * templates (transformers picks "tool_use" when tools are given and it exists, else "default").
 */
export function selectTemplate(chatTemplate: unknown, withTools: boolean): string | undefined {
  if (typeof chatTemplate === "string") return chatTemplate;
  if (!Array.isArray(chatTemplate)) return undefined;
  const named = chatTemplate as NamedTemplate[];
  const byName = new Map(named.map((entry) => [entry.name, entry.template]));
  if (withTools && byName.has("tool_use")) return byName.get("tool_use");
  return byName.get("default");
}

function validateMessages(messages: ChatMessage[]): void {
  if (!Array.isArray(messages)) throw new Error("renderChat: messages must be an array of {role, content}");
  messages.forEach((message, index) => {
    if (typeof message?.role !== "string" || message.role === "") {
      throw new Error(`renderChat: messages[${index}].role must be a non-empty string`);
    }
    if (typeof message.content !== "string") {
      throw new Error(`renderChat: messages[${index}].content must be a string`);
    }
  });
}

/** Compiled templates, cached by source: compiling a long template takes milliseconds. */
const compiled = new Map<string, Template>();

function compile(source: string): Template {
  let template = compiled.get(source);
  if (template === undefined) {
    template = new Template(source);
    compiled.set(source, template);
  }
  return template;
}

/** Renders `messages` with the template `source`, the tokenizer's special tokens and the options. */
export function renderTemplate(
  source: string,
  messages: ChatMessage[],
  specialTokens: Record<string, string | string[] | null>,
  options: RenderChatOptions = {},
): string {
  validateMessages(messages);
  const variables: Record<string, unknown> = {
    ...specialTokens,
    ...options.variables,
    messages,
    add_generation_prompt: options.addGenerationPrompt ?? false,
  };
  if (options.tools !== undefined) variables.tools = options.tools;
  if (options.documents !== undefined) variables.documents = options.documents;
  return compile(source).render(variables);
}
