/**
 * The parity corpus: every string of the shipped benchmarks (questions, solutions, answers),
 * real model responses, and hand-written edge cases (Unicode, whitespace, special tokens in text).
 * Tests only: reads `data/benchmarks` and `test/fixtures/responses`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../engine/python.js";
import type { ChatMessage } from "../chat-template.js";

const BENCHMARKS_DIR = join(PACKAGE_ROOT, "data", "benchmarks");
const RESPONSES_DIR = join(PACKAGE_ROOT, "test", "fixtures", "responses");

export interface ChatCase {
  messages: ChatMessage[];
  add_generation_prompt: boolean;
  variables: Record<string, unknown>;
}

export const EDGE_CASES = [
  "",
  " ",
  "   leading and trailing   ",
  "tabs\tand\r\nwindows\nnewlines\n\n\n",
  "Ünïcödé café naïve — “quotes” ‘single’ … ½ ∑ ∫ √2 ≤ ≥ ≠ π",
  "中文数学题：求 x 的值。日本語のテキスト。한국어 문장.",
  "emoji 🤖🧮 family 👨‍👩‍👧 flags 🇫🇷 skin 👍🏽",
  "Ｆｕｌｌｗｉｄｔｈ and ﬁ ligature and e\u0301 combining",
  "zero\u200bwidth\u00a0nbsp\ufeffbom",
  "<|im_start|>user\nspecial tokens typed as text<|im_end|><|endoftext|>",
  "<think>\nreasoning here\n</think>\n\nThe answer is \\boxed{42}.",
  "\\boxed{\\frac{1}{2}} and $\\sqrt{x^2+y^2}$ and \\(a_{n+1}\\) and \\[\\int_0^1 f\\]",
  "12345678901234567890 3.14159 -0.5e-10 1,000,000",
  "don't won't I'll we've they're she'd I'M DON'T",
  "code:\n```python\ndef f(x):\n    return x ** 2\n```\n",
];

/** Every string inside a JSON value (recursively), in order. */
function strings(value: unknown, into: string[]): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, into);
  else if (value !== null && typeof value === "object")
    for (const item of Object.values(value)) strings(item, into);
  return into;
}

function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** Benchmark rows of every shipped benchmark file. */
export function benchmarkRows(): Record<string, unknown>[] {
  const folder = BENCHMARKS_DIR;
  const files = readdirSync(folder).filter((name) => name.endsWith(".jsonl"));
  if (files.length === 0) throw new Error(`no benchmark files in ${folder}`);
  return files.flatMap((name) => readJsonl(join(folder, name)));
}

/** The question of a benchmark row, whatever the file calls it. */
function question(row: Record<string, unknown>): string {
  const text = row.problem ?? row.question;
  if (typeof text !== "string")
    throw new Error(`benchmark row without problem/question: ${JSON.stringify(row).slice(0, 80)}`);
  return text;
}

/** Fields of benchmark rows that go into the corpus (long solutions are sampled through the responses). */
const CORPUS_FIELDS = ["problem", "question", "answer", "final_answer", "unit"];

/** All texts: every benchmark question and answer, one real response per problem, edge cases (deduplicated). */
export function corpusTexts(): string[] {
  const rows = benchmarkRows().map((row) => CORPUS_FIELDS.map((field) => row[field]));
  const texts = strings(rows, []);
  const responses = readJsonl(join(RESPONSES_DIR, "qwen25-math-math_cot_100.jsonl"));
  strings(
    responses.map((row) => (row.code as string[])[0]),
    texts,
  );
  return [...new Set([...EDGE_CASES, ...texts])];
}

/**
 * Chats: every benchmark question as a one-turn prompt, then multi-turn cases with reasoning and
 * every edge case, once per variant of the template variables.
 */
export function corpusChats(variants: Record<string, unknown>[]): ChatCase[] {
  const system: ChatMessage = {
    role: "system",
    content: "Please reason step by step, and put your final answer within \\boxed{}.",
  };
  const chats: ChatCase[] = benchmarkRows().map((row) => ({
    messages: [system, { role: "user", content: question(row) }],
    add_generation_prompt: true,
    variables: variants[0] ?? {},
  }));
  const multiTurn: ChatMessage[] = [
    { role: "user", content: "What is 2+2?" },
    { role: "assistant", content: "<think>\n2+2 is 4.\n</think>\n\nThe answer is \\boxed{4}." },
    { role: "user", content: "And 3+3? 🤔" },
    { role: "assistant", content: "\\boxed{6}" },
  ];
  for (const variables of variants) {
    for (const addGenerationPrompt of [true, false]) {
      chats.push({ messages: multiTurn, add_generation_prompt: addGenerationPrompt, variables });
      chats.push({
        messages: [system, ...multiTurn.slice(0, 3)],
        add_generation_prompt: addGenerationPrompt,
        variables,
      });
      for (const text of EDGE_CASES) {
        chats.push({
          messages: [{ role: "user", content: text }],
          add_generation_prompt: addGenerationPrompt,
          variables,
        });
      }
    }
  }
  return chats;
}
