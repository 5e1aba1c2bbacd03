/**
 * `gradeSync(gold, response)`: extract both sides, compare, report. Pure and synchronous.
 * `gradeWithoutCas`: the same grade where it needs no CAS and its inputs are small enough for its
 * time to be bounded by their length, so a caller may run it on its own thread (no cut-off needed).
 */
import { CasDeferred } from "./compare.js";
import { compareAnswers } from "./equivalence.js";
import { extractAnswer } from "./extract.js";
import type { Grade, GradeOptions } from "./types.js";

/** Longest response read in full; beyond it only the tail is searched (answers come last). */
const MAX_RESPONSE_LENGTH = 200_000;
/** Longest gold or response `gradeWithoutCas` accepts (characters): extraction is one linear scan. */
export const MAX_INLINE_TEXT = 20_000;
/** Longest extracted answer `gradeWithoutCas` compares (characters): it bounds normalization and matching. */
export const MAX_INLINE_ANSWER = 300;

function tail(text: string): string {
  return text.length > MAX_RESPONSE_LENGTH ? text.slice(text.length - MAX_RESPONSE_LENGTH) : text;
}

function checkArguments(caller: string, gold: unknown, response: unknown): void {
  if (typeof gold !== "string") throw new TypeError(`${caller}: gold must be a string`);
  if (typeof response !== "string") throw new TypeError(`${caller}: response must be a string`);
}

/** The grade, or null when `casAllowed` is false and the comparison needs the CAS or an answer is too long. */
function gradeWithin(
  gold: string,
  response: string,
  options: GradeOptions,
  casAllowed: boolean,
): Grade | null {
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
  if (!casAllowed && Math.max(goldAnswer.length, predicted.length) > MAX_INLINE_ANSWER) return null;
  let verdict: ReturnType<typeof compareAnswers>;
  try {
    verdict = compareAnswers(goldAnswer, predicted, options, casAllowed);
  } catch (error) {
    if (error instanceof CasDeferred) return null;
    throw error;
  }
  if (verdict === "equal") return finish(true, "equivalent");
  return finish(false, verdict === "unparseable" ? "unparseable" : "not_equivalent");
}

export function gradeSync(gold: string, response: string, options: GradeOptions = {}): Grade {
  checkArguments("gradeSync", gold, response);
  return gradeWithin(gold, response, options, true)!;
}

/**
 * The grade `gradeSync` would give, without ever loading or running the CAS; null when the grade
 * needs the CAS or an input is longer than `MAX_INLINE_TEXT` / an answer longer than
 * `MAX_INLINE_ANSWER` (grade those in the pool, where a runaway can be cut off).
 */
export function gradeWithoutCas(gold: string, response: string, options: GradeOptions = {}): Grade | null {
  checkArguments("gradeWithoutCas", gold, response);
  if (Math.max(gold.length, response.length) > MAX_INLINE_TEXT) return null;
  return gradeWithin(gold, response, options, false);
}
