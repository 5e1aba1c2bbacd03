import { readFileSync } from "node:fs";

/** Parses JSON Lines text; a bad line throws an error naming the source and the 1-based line. */
export function parseJsonl(text: string, source: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${source}: line ${index + 1} is not valid JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new Error(`${source}: line ${index + 1} is not a JSON object`);
    }
    rows.push(value as Record<string, unknown>);
  }
  return rows;
}

/** Reads a JSON Lines file into objects. */
export function readJsonl(path: string): Record<string, unknown>[] {
  return parseJsonl(readFileSync(path, "utf8"), path);
}
