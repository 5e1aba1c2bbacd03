/** `gradeSync(gold, response)`: extract both sides, compare, report. Pure and synchronous. */
import { compareAnswers } from "./equivalence.js";
import { extractAnswer } from "./extract.js";
import type { Grade, GradeOptions } from "./types.js";

/** Longest response read in full; beyond it only the tail is searched (answers come last). */
const MAX_RESPONSE_LENGTH = 200_000;

function tail(text: string): string {
  return text.length > MAX_RESPONSE_LENGTH ? text.slice(text.length - MAX_RESPONSE_LENGTH) : text;
}

export function gradeSync(gold: string, response: string, options: GradeOptions = {}): Grade {
  if (typeof gold !== "string") throw new TypeError("gradeSync: gold must be a string");
  if (typeof response !== "string") throw new TypeError("gradeSync: response must be a string");
  const started = performance.now();
  const extractOptions = { matchTypes: options.matchTypes };
  const goldAnswer = extractAnswer(tail(gold), extractOptions).answer ?? (gold.trim() || null);
  const { answer: predicted, ruleFired } = extractAnswer(tail(response), extractOptions);
  const finish = (correct: boolean, reason: Grade["reason"]): Grade => ({
    correct,
    reason,
    predicted,
    gold: goldAnswer,
    ruleFired,
    ms: performance.now() - started,
  });
  if (predicted === null || goldAnswer === null) return finish(false, "no_answer");
  const verdict = compareAnswers(goldAnswer, predicted, options);
  if (verdict === "equal") return finish(true, "equivalent");
  return finish(false, verdict === "unparseable" ? "unparseable" : "not_equivalent");
}
