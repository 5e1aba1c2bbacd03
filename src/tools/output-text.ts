import type { RunCodeResponse } from "./types.js";

/**
 * What the model reads back after a run: stdout, then stderr when the run failed (the traceback
 * is what lets a model fix its code, ToRA/SimpleTIR), each cut to its last `maxChars` characters.
 */
export function toolOutputText(response: RunCodeResponse, maxChars = 2000): string {
  const tail = (text: string) => (text.length > maxChars ? `…${text.slice(-maxChars)}` : text);
  const run = response.run_result;
  if (response.status === "SandboxError" || !run) return `Sandbox error: ${response.message}`;
  const stdout = tail((run.stdout ?? "").trimEnd());
  if (run.status === "TimeLimitExceeded")
    return [stdout, "Timeout: the program ran past its time limit."].filter(Boolean).join("\n");
  if (response.status === "Success") return stdout;
  const reason = response.message ? `Error: ${response.message}` : "";
  return [stdout, tail((run.stderr ?? "").trimEnd()), reason].filter(Boolean).join("\n");
}
