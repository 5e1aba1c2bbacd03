/**
 * Gold answers that live inside a worked solution: the content of the last `\boxed{…}` (or
 * `\fbox{…}`) with balanced braces, as Minerva's and MATH's reference scripts take it
 * (Lewkowycz et al. 2022, arXiv:2206.14858), and GSM8K's text after the final `#### `
 * (Cobbe et al. 2021, arXiv:2110.14168). Pure string work, no CAS.
 */
export function lastBoxedContent(text: string): string | null {
  const start = Math.max(text.lastIndexOf("\\boxed"), text.lastIndexOf("\\fbox"));
  if (start === -1) return null;
  const open = text.indexOf("{", start);
  if (open === -1) return null;
  let depth = 0;
  for (let position = open; position < text.length; position++) {
    const character = text[position];
    if (character === "{") depth++;
    else if (character === "}") {
      depth--;
      if (depth === 0) return text.slice(open + 1, position).trim();
    }
  }
  return null;
}

/** GSM8K gold: the number after the last `#### `, thousands separators removed. */
export function gsm8kAnswer(solution: string): string | null {
  const marker = solution.lastIndexOf("####");
  if (marker === -1) return null;
  const answer = solution
    .slice(marker + 4)
    .trim()
    .replace(/,/g, "");
  return answer === "" ? null : answer;
}
