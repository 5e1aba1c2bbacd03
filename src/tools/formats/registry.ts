import { openaiTools } from "./openai-tools.js";
import { codeInterpreter, qwenTir } from "./text-formats.js";
import type { ToolFormat } from "./types.js";

/** Tool-call formats by name. */
export const toolFormats: ReadonlyMap<string, ToolFormat> = new Map(
  [qwenTir, codeInterpreter, openaiTools].map((format) => [format.name, format]),
);

/** Looks a format up by name; an unknown name throws listing the known ones. */
export function getToolFormat(name: string): ToolFormat {
  const format = toolFormats.get(name);
  if (!format)
    throw new Error(`unknown tool format "${name}"; known formats: ${[...toolFormats.keys()].join(", ")}`);
  return format;
}
