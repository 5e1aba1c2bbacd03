import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv.js";
import { loadLocalProblems } from "./local-file.js";
import { getPromptTemplate, promptTemplates, renderPrompt } from "./prompts.js";

const folder = mkdtempSync(join(tmpdir(), "boxed-data-"));

describe("local files", () => {
  it("parses RFC 4180 CSV with quotes, commas and newlines inside fields", () => {
    expect(parseCsv('q,a\n"x, ""y""\nz",3\r\nplain,4\n', "t.csv")).toEqual([
      { q: 'x, "y"\nz', a: "3" },
      { q: "plain", a: "4" },
    ]);
  });

  it("loads JSONL and CSV with custom field names", () => {
    const jsonl = join(folder, "mine.jsonl");
    writeFileSync(jsonl, '{"prompt":"1+1?","target":2,"level":1}\n{"prompt":"2+2?","target":"4"}\n');
    const problems = loadLocalProblems(jsonl, { problemField: "prompt", answerField: "target" });
    expect(problems).toEqual([
      { id: "0", benchmark: "mine", question: "1+1?", answer: "2", meta: { level: 1 } },
      { id: "1", benchmark: "mine", question: "2+2?", answer: "4" },
    ]);
    const csv = join(folder, "mine.csv");
    writeFileSync(csv, "id,question,answer\na,What is 3?,3\n");
    expect(loadLocalProblems(csv)[0]).toEqual({
      id: "a",
      benchmark: "mine",
      question: "What is 3?",
      answer: "3",
    });
  });

  it("names the row and field when an answer is missing, and the line when JSON is bad", () => {
    const missing = join(folder, "missing.jsonl");
    writeFileSync(missing, '{"problem":"a","answer":"1"}\n{"problem":"b"}\n');
    expect(() => loadLocalProblems(missing)).toThrow(/row 2 has no answer in field "answer"/);
    const bad = join(folder, "bad.jsonl");
    writeFileSync(bad, '{"problem":"a","answer":"1"}\n{oops\n');
    expect(() => loadLocalProblems(bad)).toThrow(/line 2 is not valid JSON/);
  });
});

describe("prompt templates", () => {
  const problem = { id: "1", benchmark: "t", question: "What is 2+2?", answer: "4" };

  it("registers the five templates and throws on unknown names", () => {
    expect([...promptTemplates.keys()]).toEqual([
      "qwen25-math-cot",
      "qwen25-math-tir",
      "deepseek-r1",
      "plain",
      "few-shot",
    ]);
    expect(() => getPromptTemplate("cot")).toThrow(
      /unknown prompt template "cot"; known templates: qwen25-math-cot/,
    );
  });

  it("renders chat messages and completion prompts with the assistant prefix", () => {
    const qwen = renderPrompt(getPromptTemplate("qwen25-math-cot"), problem, "chat");
    expect(qwen).toEqual({
      kind: "chat",
      messages: [
        {
          role: "system",
          content: "Please reason step by step, and put your final answer within \\boxed{}.",
        },
        { role: "user", content: "What is 2+2?" },
      ],
    });
    const render = (messages: { role: string; content: string }[]) =>
      `${messages.map((message) => `<${message.role}>${message.content}`).join("")}<assistant>`;
    const r1 = renderPrompt(getPromptTemplate("deepseek-r1"), problem, "completion", render);
    expect(r1).toEqual({
      kind: "completion",
      prompt:
        "<user>What is 2+2?\nPlease reason step by step, and put your final answer within \\boxed{}.<assistant><think>\n",
    });
    expect(() => renderPrompt(getPromptTemplate("plain"), problem, "completion")).toThrow(/needs renderChat/);
    const fewShot = renderPrompt(getPromptTemplate("few-shot"), problem, "chat");
    expect(fewShot.kind === "chat" && fewShot.messages).toHaveLength(10);
  });
});
