/** Answer extraction shared by the synthetic tasks' verifiers (pure, no I/O). */

/** The content of the last `\boxed{...}` (flat), or null. */
export function lastBoxed(text: string): string | null {
  const matches = [...text.matchAll(/\\boxed\{([^{}]*)\}/g)];
  return matches.length > 0 ? matches[matches.length - 1][1].trim() : null;
}

/**
 * The final answer of a response: the last `\boxed{}` if any, else what follows the last
 * "answer:" up to the end of its line, else the last line. Trimmed; null for an empty response.
 */
export function finalAnswerText(text: string): string | null {
  const boxed = lastBoxed(text);
  if (boxed !== null) return boxed;
  const lower = text.toLowerCase();
  const marker = lower.lastIndexOf("answer:");
  if (marker >= 0)
    return text
      .slice(marker + "answer:".length)
      .split("\n")[0]
      .trim();
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.length > 0 ? lines[lines.length - 1].trim() : null;
}

/** The last integer (optionally signed) in a text, or null. "x = -4" → -4. */
export function lastInteger(text: string | null): number | null {
  if (text === null) return null;
  const matches = [...text.matchAll(/-?\d+/g)];
  if (matches.length === 0) return null;
  const value = Number(matches[matches.length - 1][0]);
  return Number.isSafeInteger(value) ? value : null;
}

/** Integer answer check used by arithmetic and linear equations. */
export function integerAnswerMatches(response: string, gold: string): boolean {
  const predicted = lastInteger(finalAnswerText(response));
  return predicted !== null && String(predicted) === gold.trim();
}
