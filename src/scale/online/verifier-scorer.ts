/**
 * Scores for best-of-N from an LLM judge: a verifier model (or the same model: self-verification,
 * as in Weng et al. 2023, arXiv:2212.09561) is asked whether a solution is correct, and the score is
 * P("Yes") read from the first answer token's top log-probs: score = p_yes / (p_yes + p_no)
 * (0.5 when neither appears; the text answer decides when the server returns no log-probs).
 */
import type { OpenAIClient } from "../../sample/client.js";

export interface VerifierScorerOptions {
  model: string;
  /** The problem as the user asked it. */
  question: string;
  /** Prompt template with {question} and {solution}. */
  template?: string;
  signal?: AbortSignal;
}

export const VERIFIER_TEMPLATE =
  "Here is a problem and a proposed solution.\n\nProblem:\n{question}\n\nSolution:\n{solution}\n\n" +
  "Is the solution's final answer correct? Answer with one word: Yes or No.";

/** p_yes / (p_yes + p_no) over the first token's alternatives (token text → log-prob). */
export function yesProbability(alternatives: Readonly<Record<string, number>>): number | null {
  let yes = 0;
  let no = 0;
  for (const [token, logprob] of Object.entries(alternatives)) {
    const word = token.trim().toLowerCase();
    if (word === "yes") yes += Math.exp(logprob);
    else if (word === "no") no += Math.exp(logprob);
  }
  return yes + no > 0 ? yes / (yes + no) : null;
}

/** A `score` function for runStrategy: one judge call per finished response, over the shared client. */
export function verifierScorer(
  client: OpenAIClient,
  options: VerifierScorerOptions,
): (solution: string) => Promise<number> {
  const template = options.template ?? VERIFIER_TEMPLATE;
  return async (solution) => {
    const content = template.replace("{question}", options.question).replace("{solution}", solution);
    const completion = await client.chat(
      [{ role: "user", content }],
      { model: options.model, maxTokens: 1, temperature: 0, topLogprobs: 5 },
      { ...(options.signal && { signal: options.signal }), label: "verifier" },
    );
    const choice = completion.choices[0];
    const probability = yesProbability(choice?.topLogprobs?.[0] ?? {});
    if (probability !== null) return probability;
    const word = (choice?.text ?? "").trim().toLowerCase();
    return word.startsWith("yes") ? 1 : word.startsWith("no") ? 0 : 0.5;
  };
}
