import type { TextToolFormat } from "./types.js";

/** The code of the last ```python … ``` block, when the text ends right after it (white space aside). */
function trailingFencedCode(text: string): string | undefined {
  const match = /```python[ \t]*\n([\s\S]*?)```\s*$/.exec(text);
  if (match === null) return undefined;
  // The block must be the last fence opened: nothing after its own opening may open another.
  return /```python/.test(match[1]!) ? undefined : match[1]!;
}

/**
 * Qwen2.5-Math tool-integrated reasoning (Yang et al. 2024, arXiv:2409.12122; the same blocks as
 * ToRA, Gou et al. 2023, arXiv:2309.17452 and ToRL, Li et al. 2025, arXiv:2503.23383): the model
 * writes ```python … ```, generation stops at "```output" (Qwen2.5-Math's evaluation stop word),
 * and the run's output is appended as ```output … ```.
 */
export const qwenTir: TextToolFormat = {
  kind: "text",
  name: "qwen-tir",
  description: "```python … ``` then ```output … ``` (Qwen2.5-Math TIR, ToRA, ToRL)",
  stop: ["```output"],
  pendingCode: trailingFencedCode,
  renderOutput: (output) => `\`\`\`output\n${output}\n\`\`\`\n`,
  instructions:
    "To compute, write Python in a ```python``` block; its output will follow in an ```output``` block.",
};

/**
 * ReTool (Feng et al. 2025, arXiv:2504.11536): code inside <code>…</code> (optionally fenced),
 * generation stops at "</code>", the output comes back inside <interpreter>…</interpreter>.
 */
export const codeInterpreter: TextToolFormat = {
  kind: "text",
  name: "code-interpreter",
  description: "<code>…</code> then <interpreter>…</interpreter> (ReTool)",
  stop: ["</code>"],
  pendingCode(turnText) {
    const start = turnText.lastIndexOf("<code>");
    if (start < 0) return undefined;
    const body = turnText.slice(start + "<code>".length);
    if (body.includes("</code>")) return undefined;
    const fenced = /^\s*```(?:python)?[ \t]*\n([\s\S]*?)```\s*$/.exec(body);
    return fenced ? fenced[1]! : body;
  },
  renderOutput: (output) => `</code>\n<interpreter>\n${output}\n</interpreter>\n`,
  instructions:
    "To compute, write Python inside <code></code>; its output will follow inside <interpreter></interpreter>.",
};
