/**
 * Scores for best-of-N from an LLM judge: a verifier model (or the same model: self-verification,
 * as in Weng et al. 2023, arXiv:2212.09561) is asked whether a solution is correct, and the score is
 * P("Yes") read from the first answer token's top log-probs: score = p_yes / (p_yes + p_no)
 * (0.5 when neither appears; the text answer decides when the server returns no log-probs).
 */
import { UpstreamError } from "../../sample/stream.js";

export interface VerifierScorerOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** The problem as the user asked it. */
  question: string;
  /** Prompt template with {question} and {solution}. */
  template?: string;
  signal?: AbortSignal;
}

export const VERIFIER_TEMPLATE =
  "Here is a problem and a proposed solution.\n\nProblem:\n{question}\n\nSolution:\n{solution}\n\n" +
  "Is the solution's final answer correct? Answer with one word: Yes or No.";

interface TopLogprob {
  token: string;
  logprob: number;
}

interface JudgeReply {
  choices?: {
    message?: { content?: string | null };
    logprobs?: { content?: { top_logprobs?: TopLogprob[] }[] | null } | null;
  }[];
}

/** p_yes / (p_yes + p_no) over the first token's alternatives. */
export function yesProbability(alternatives: readonly TopLogprob[]): number | null {
  let yes = 0;
  let no = 0;
  for (const { token, logprob } of alternatives) {
    const word = token.trim().toLowerCase();
    if (word === "yes") yes += Math.exp(logprob);
    else if (word === "no") no += Math.exp(logprob);
  }
  return yes + no > 0 ? yes / (yes + no) : null;
}

/** A `score` function for runStrategy: one judge call per finished response. */
export function verifierScorer(options: VerifierScorerOptions): (solution: string) => Promise<number> {
  const template = options.template ?? VERIFIER_TEMPLATE;
  return async (solution) => {
    const content = template.replace("{question}", options.question).replace("{solution}", solution);
    const body = {
      model: options.model,
      messages: [{ role: "user", content }],
      max_tokens: 1,
      temperature: 0,
      logprobs: true,
      top_logprobs: 5,
    };
    const response = await fetch(`${options.baseUrl.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: options.signal,
    });
    const text = await response.text();
    if (!response.ok)
      throw new UpstreamError(
        `verifier answered HTTP ${response.status}: ${text.slice(0, 300)}`,
        response.status,
        text,
      );
    let parsed: JudgeReply;
    try {
      parsed = JSON.parse(text) as JudgeReply;
    } catch {
      throw new UpstreamError(
        `verifier answered with a body that is not JSON: ${text.slice(0, 200)}`,
        response.status,
        text,
      );
    }
    const choice = parsed.choices?.[0];
    const firstAlternatives = choice?.logprobs?.content?.[0]?.top_logprobs ?? [];
    const probability = yesProbability(firstAlternatives);
    if (probability !== null) return probability;
    const word = (choice?.message?.content ?? "").trim().toLowerCase();
    return word.startsWith("yes") ? 1 : word.startsWith("no") ? 0 : 0.5;
  };
}
