import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { parseCsv } from "./csv.js";
import { parseJsonl } from "./jsonl.js";
import type { Problem } from "./types.js";

export interface LocalFileOptions {
  /** Field holding the question. Default: the first of `problem`, `question` present. */
  problemField?: string;
  /** Field holding the gold answer. Default `answer`. */
  answerField?: string;
  /** Field holding the id. Default `id`, else the row number. */
  idField?: string;
  /** Benchmark name given to the problems. Default: the file name without extension. */
  name?: string;
}

/** Reads rows from a `.jsonl`/`.json` (array or JSON Lines) or `.csv` file. */
export function readRows(path: string): Record<string, unknown>[] {
  const content = readFileSync(path, "utf8");
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return parseCsv(content, path);
  if (extension === ".json" && content.trimStart().startsWith("[")) {
    const rows: unknown = JSON.parse(content);
    if (!Array.isArray(rows)) throw new Error(`${path}: expected a JSON array of objects`);
    return rows as Record<string, unknown>[];
  }
  if (extension === ".jsonl" || extension === ".json" || extension === ".ndjson")
    return parseJsonl(content, path);
  throw new Error(`${path}: unsupported file type "${extension}"; use .jsonl, .json or .csv`);
}

function fieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(String).join(", ");
  return String(value);
}

/** Maps rows to problems by field names; a row without question or answer throws naming the row and field. */
export function problemsFromRows(
  rows: Record<string, unknown>[],
  source: string,
  options: LocalFileOptions = {},
): Problem[] {
  const name = options.name ?? basename(source, extname(source));
  const answerField = options.answerField ?? "answer";
  return rows.map((row, index) => {
    const problemField = options.problemField ?? (row.problem !== undefined ? "problem" : "question");
    const question = fieldText(row[problemField]);
    const answer = fieldText(row[answerField]);
    if (question === null || question.trim() === "") {
      throw new Error(
        `${source}: row ${index + 1} has no question in field "${problemField}" (set --problem-field)`,
      );
    }
    if (answer === null || answer.trim() === "") {
      throw new Error(
        `${source}: row ${index + 1} has no answer in field "${answerField}" (set --answer-field)`,
      );
    }
    const id = fieldText(row[options.idField ?? "id"]) ?? String(index);
    const meta: Record<string, unknown> = {};
    for (const key of ["subject", "level", "type"]) if (row[key] !== undefined) meta[key] = row[key];
    return { id, benchmark: name, question, answer, ...(Object.keys(meta).length > 0 ? { meta } : {}) };
  });
}

/** Loads problems from a local JSONL/JSON/CSV file. */
export function loadLocalProblems(path: string, options: LocalFileOptions = {}): Problem[] {
  return problemsFromRows(readRows(path), path, options);
}
