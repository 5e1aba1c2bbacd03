/**
 * A model's tokenizer, loaded from its HuggingFace files (`tokenizer.json`,
 * `tokenizer_config.json`, optional `chat_template.jinja` and `generation_config.json`) with
 * `@huggingface/tokenizers` (pure JS). Ids match HF's Rust `tokenizers` and transformers
 * (see tokenizer-parity.test.ts); chat prompts render with the model's own template.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { type ChatMessage, type RenderChatOptions, renderTemplate, selectTemplate } from "./chat-template.js";

export interface EncodeOptions {
  /** Add the tokenizer's own special tokens (BOS/EOS of its post-processor), as HF does by default. Default true. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (`<|im_end|>`, ...) from the text. Default false. */
  skipSpecialTokens?: boolean;
}

/** The parsed contents of a tokenizer directory. */
export interface TokenizerFiles {
  tokenizer: Record<string, unknown>;
  config: Record<string, unknown>;
  /** `chat_template.jinja`, which transformers prefers over the config's `chat_template`. */
  chatTemplateFile?: string;
  generationConfig?: Record<string, unknown>;
}

const SPECIAL_TOKEN_KEYS = [
  "bos_token",
  "eos_token",
  "unk_token",
  "pad_token",
  "sep_token",
  "cls_token",
  "mask_token",
];

/** A special token in `tokenizer_config.json` is a string or an AddedToken object `{content, ...}`. */
function tokenText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { content?: unknown }).content === "string"
  ) {
    return (value as { content: string }).content;
  }
  return null;
}

export class Tokenizer {
  /** Size of the id space: every id in `[0, vocabSize)` has a token (base vocabulary plus added tokens). */
  readonly vocabSize: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  /** Every id that ends a generation: the config's EOS plus `generation_config.json`'s `eos_token_id`. */
  readonly eosTokenIds: number[];
  readonly padTokenId: number | null;
  /** The raw chat template (string, or named list), when the model ships one. */
  readonly chatTemplate: unknown;
  /** `bos_token`, `eos_token`, ... as template variables (null when absent). */
  readonly specialTokens: Record<string, string | null>;
  private readonly inner: HfTokenizer;
  private readonly specialIds: Set<number>;

  constructor(files: TokenizerFiles) {
    this.inner = new HfTokenizer(files.tokenizer, files.config);
    let largestId = -1;
    for (const id of this.inner.get_vocab(true).values()) largestId = Math.max(largestId, id);
    this.vocabSize = largestId + 1;
    this.specialTokens = Object.fromEntries(
      SPECIAL_TOKEN_KEYS.map((key) => [key, tokenText(files.config[key])]),
    );
    this.bosTokenId = this.idOf(this.specialTokens.bos_token);
    this.eosTokenId = this.idOf(this.specialTokens.eos_token);
    this.padTokenId = this.idOf(this.specialTokens.pad_token);
    this.eosTokenIds = eosIds(this.eosTokenId, files.generationConfig);
    this.chatTemplate = files.chatTemplateFile ?? files.config.chat_template;
    const added = [...this.inner.get_added_tokens_decoder().entries()];
    this.specialIds = new Set(added.filter(([, token]) => token.special).map(([id]) => id));
  }

  /** Token ids of `text`. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== "string") throw new Error(`encode: text must be a string, got ${typeof text}`);
    const encoding = this.inner.encode(text, { add_special_tokens: options.addSpecialTokens ?? true });
    const missing = encoding.ids.findIndex((id: number | undefined) => !Number.isInteger(id));
    if (missing >= 0) {
      // The JS library yields no id (where HF's Rust would give the unknown token) for pieces
      // outside a word-level vocabulary; byte-level BPE vocabularies never reach this.
      throw new Error(`encode: the piece "${encoding.tokens[missing]}" of the text has no token id`);
    }
    return encoding.ids;
  }

  /** Text of `ids`; `decode([])` is `""` (the library itself throws on an empty list). */
  decode(ids: number[], options: DecodeOptions = {}): string {
    ids.forEach((id, index) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new Error(`decode: ids[${index}] = ${id} is not a token id in [0, ${this.vocabSize})`);
      }
    });
    if (ids.length === 0) return "";
    return this.inner.decode(ids, { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.inner.id_to_token(id);
  }

  /** Whether `id` is a special token (removed by `skipSpecialTokens`). */
  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /**
   * The model's chat prompt for `messages`, as transformers' `apply_chat_template(tokenize=False)`.
   * @example tokenizer.renderChat([{ role: "user", content: "1+1?" }], { addGenerationPrompt: true })
   */
  renderChat(messages: ChatMessage[], options: RenderChatOptions = {}): string {
    const source = selectTemplate(this.chatTemplate, options.tools !== undefined);
    if (source === undefined) throw new Error("renderChat: this tokenizer has no chat template");
    return renderTemplate(source, messages, this.specialTokens, options);
  }

  /** Token ids of the rendered chat, as `apply_chat_template(tokenize=True)` (no extra special tokens). */
  encodeChat(messages: ChatMessage[], options: RenderChatOptions = {}): number[] {
    return this.encode(this.renderChat(messages, options), { addSpecialTokens: false });
  }

  private idOf(token: string | null): number | null {
    return token === null ? null : (this.inner.token_to_id(token) ?? null);
  }
}

function eosIds(configEos: number | null, generationConfig?: Record<string, unknown>): number[] {
  const ids = new Set<number>();
  if (configEos !== null) ids.add(configEos);
  const fromGeneration = generationConfig?.eos_token_id;
  for (const id of Array.isArray(fromGeneration) ? fromGeneration : [fromGeneration]) {
    if (Number.isInteger(id)) ids.add(id as number);
  }
  return [...ids];
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new Error(`loadTokenizer: cannot read ${path}: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * Loads the tokenizer of a local HF model directory.
 * @example const tokenizer = await loadTokenizer("/models/Qwen2.5-Math-1.5B");
 */
export async function loadTokenizer(directory: string): Promise<Tokenizer> {
  if (typeof directory !== "string" || directory === "") {
    throw new Error("loadTokenizer: directory must be a non-empty path");
  }
  if (!existsSync(join(directory, "tokenizer.json"))) {
    throw new Error(`loadTokenizer: ${directory} has no tokenizer.json`);
  }
  const tokenizer = await readJson(join(directory, "tokenizer.json"));
  const configPath = join(directory, "tokenizer_config.json");
  const config = existsSync(configPath) ? await readJson(configPath) : {};
  const templatePath = join(directory, "chat_template.jinja");
  const chatTemplateFile = existsSync(templatePath) ? await readFile(templatePath, "utf8") : undefined;
  const generationPath = join(directory, "generation_config.json");
  const generationConfig = existsSync(generationPath) ? await readJson(generationPath) : undefined;
  return new Tokenizer({ tokenizer, config, chatTemplateFile, generationConfig });
}
