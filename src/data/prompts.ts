import type { Problem } from "./types.js";

export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A named prompt template: the chat messages for a problem, and how the response is read. */
export interface PromptTemplate {
  name: string;
  description: string;
  messages(problem: Problem): PromptMessage[];
  /** Text the assistant turn starts with in completion mode (e.g. "<think>\n"). */
  assistantPrefix?: string;
  /** Responses reason inside <think>…</think>; a trace that never closes is truncated, not graded. */
  thinking: boolean;
}

const STEP_BY_STEP = "Please reason step by step, and put your final answer within \\boxed{}.";

/** Worked examples written for boxed (short, one per answer kind). */
const FEW_SHOT_EXAMPLES: { question: string; solution: string }[] = [
  {
    question: "A shop sells pens at 3 for $4. How many dollars do 12 pens cost?",
    solution:
      "12 pens are 12 / 3 = 4 groups of 3 pens, and each group costs $4, so they cost 4 × 4 = 16 dollars.\nThe answer is \\boxed{16}.",
  },
  {
    question: "Solve for $x$: $5x - 7 = 2x + 8$.",
    solution:
      "Subtract $2x$ from both sides: $3x - 7 = 8$. Add 7: $3x = 15$. Divide by 3: $x = 5$.\nThe answer is \\boxed{5}.",
  },
  {
    question: "What is $\\frac{1}{4} + \\frac{1}{6}$?",
    solution:
      "The common denominator is 12: $\\frac{3}{12} + \\frac{2}{12} = \\frac{5}{12}$.\nThe answer is \\boxed{\\frac{5}{12}}.",
  },
  {
    question: "A fair die is rolled twice. What is the probability that the sum is 7?",
    solution:
      "Of the 36 equally likely outcomes, 6 have sum 7: (1,6), (2,5), (3,4), (4,3), (5,2), (6,1). The probability is $\\frac{6}{36} = \\frac{1}{6}$.\nThe answer is \\boxed{\\frac{1}{6}}.",
  },
];

const list: PromptTemplate[] = [
  {
    name: "qwen25-math-cot",
    description:
      "Qwen2.5-Math chain of thought: system asks for step-by-step reasoning and a \\boxed{} answer",
    messages: (problem) => [
      { role: "system", content: STEP_BY_STEP },
      { role: "user", content: problem.question },
    ],
    thinking: false,
  },
  {
    name: "qwen25-math-tir",
    description:
      "Qwen2.5-Math tool-integrated reasoning: system asks to integrate reasoning with programs (use with eval --tools python)",
    // Qwen2.5-Math README (QwenLM/Qwen2.5-Math), the TIR system prompt.
    messages: (problem) => [
      {
        role: "system",
        content:
          "Please integrate natural language reasoning with programs to solve the problem above, and put your final answer within \\boxed{}.",
      },
      { role: "user", content: problem.question },
    ],
    thinking: false,
  },
  {
    name: "deepseek-r1",
    description:
      "DeepSeek-R1 style: instruction in the user turn, no system prompt, reasoning in <think>…</think>",
    messages: (problem) => [{ role: "user", content: `${problem.question}\n${STEP_BY_STEP}` }],
    assistantPrefix: "<think>\n",
    thinking: true,
  },
  {
    name: "plain",
    description: "The question alone as the user turn",
    messages: (problem) => [{ role: "user", content: problem.question }],
    thinking: false,
  },
  {
    name: "few-shot",
    description: "Four worked examples as earlier turns, then the question",
    messages: (problem) => [
      { role: "system", content: STEP_BY_STEP },
      ...FEW_SHOT_EXAMPLES.flatMap((example): PromptMessage[] => [
        { role: "user", content: example.question },
        { role: "assistant", content: example.solution },
      ]),
      { role: "user", content: problem.question },
    ],
    thinking: false,
  },
];

/** The prompt template registry: name → template. */
export const promptTemplates: ReadonlyMap<string, PromptTemplate> = new Map(
  list.map((template) => [template.name, template]),
);

/** Looks a template up by name; an unknown name throws listing the known ones. */
export function getPromptTemplate(name: string): PromptTemplate {
  const template = promptTemplates.get(name);
  if (!template) {
    throw new Error(
      `unknown prompt template "${name}"; known templates: ${[...promptTemplates.keys()].join(", ")}`,
    );
  }
  return template;
}

/** A rendered request: chat messages, or a completion prompt rendered with the model's chat template. */
export type RenderedPrompt =
  | { kind: "chat"; messages: PromptMessage[] }
  | { kind: "completion"; prompt: string };

/**
 * Renders a problem for the server's mode. Completion mode needs the model's chat template
 * (`renderChat`, e.g. from `src/tokenize`), after which the template's assistant prefix is appended.
 */
export function renderPrompt(
  template: PromptTemplate,
  problem: Problem,
  mode: "chat" | "completion",
  renderChat?: (messages: PromptMessage[]) => string,
): RenderedPrompt {
  const messages = template.messages(problem);
  if (mode === "chat") return { kind: "chat", messages };
  if (!renderChat)
    throw new Error("renderPrompt: completion mode needs renderChat (the model's chat template)");
  return { kind: "completion", prompt: renderChat(messages) + (template.assistantPrefix ?? "") };
}
