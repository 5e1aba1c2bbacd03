import { z } from "zod";
import type { RunCodeRequest } from "../types.js";

/**
 * RunCodeRequest as SandboxFusion declares it (sandbox/server/sandbox_api.py); a field it does not
 * declare is an error naming it, not silently dropped.
 */
const runCodeRequestSchema = z.strictObject({
  code: z.string(),
  language: z.string(),
  compile_timeout: z.number().optional(),
  run_timeout: z.number().optional(),
  memory_limit_MB: z.number().int().optional(),
  stdin: z.string().nullable().optional(),
  files: z.record(z.string(), z.string().nullable()).optional(),
  fetch_files: z.array(z.string()).optional(),
});

export const REQUEST_FIELDS = Object.keys(runCodeRequestSchema.shape);

/** Parses a `/run_code` body; the error message names each bad field. */
export function parseRunCodeRequest(body: unknown): RunCodeRequest {
  const parsed = runCodeRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.code === "unrecognized_keys"
      ? `unknown field(s) ${issue.keys.join(", ")} (known: ${REQUEST_FIELDS.join(", ")})`
      : `${issue.path.join(".") || "body"}: ${issue.message}`,
  );
  throw new Error(problems.join("; "));
}
