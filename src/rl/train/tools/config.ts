import { z } from "zod";
import { toolFormats } from "../../../tools/formats/registry.js";

/**
 * Tool-integrated rollouts in training (`tools` in the train config): each response is a multi-turn
 * rollout against the engine — sample until a tool block closes, run the code, append its output as
 * prompt-side tokens, continue. Absent: single-turn rollouts.
 */
export const toolsSchema = z
  .strictObject({
    name: z.literal("python").describe('the tool: "python" (the sandbox)'),
    format: z
      .string()
      .default("qwen-tir")
      .refine((name) => toolFormats.get(name)?.kind === "text", {
        message: `tool format must be a text format (known: ${[...toolFormats.values()]
          .filter((format) => format.kind === "text")
          .map((format) => format.name)
          .join(", ")})`,
      })
      .describe("tool-call format (a text format of src/tools/formats: qwen-tir, code-interpreter)"),
    maxCalls: z.int().min(0).default(2).describe("code runs per response; then the tool stops are dropped"),
    timeout: z.number().positive().default(10).describe("seconds per run (wall and CPU)"),
    maxOutputChars: z.int().positive().default(2000).describe("characters of each output stream shown"),
    sandboxUrl: z.url().optional().describe("a SandboxFusion service (default: the local sandbox)"),
    sandboxTokenEnv: z
      .string()
      .default("BOXED_SANDBOX_TOKEN")
      .describe("environment variable holding the bearer token of sandboxUrl"),
    workers: z.int().positive().optional().describe("local sandbox: warm interpreters (default: cores)"),
    maskVoidTurns: z
      .boolean()
      .default(false)
      .describe("leave responses with a void turn out of the loss (SimpleTIR, arXiv:2509.02479)"),
  })
  .optional()
  .describe("multi-turn tool rollouts (tool-output tokens are masked out of the loss and the KL)");

export type ToolsConfig = NonNullable<z.infer<typeof toolsSchema>>;
