import type { Grade, GradeOptions } from "../types.js";
import type { GradeItem } from "./protocol.js";

/** One JSONL input row of `boxed grade`: a job to grade, or why the row cannot be graded. */
export type GradeRow =
  | { line: number; fields: Record<string, unknown>; item: GradeItem; expected: boolean | null }
  | { line: number; fields: Record<string, unknown>; error: string };

type OptionReader = (value: unknown, options: GradeOptions) => string | null;

function readPositive(key: "precision" | "timeout"): OptionReader {
  return (value, options) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
      return "must be a positive number";
    options[key] = value;
    return null;
  };
}

function readBoolean(key: "strict" | "allowSetRelationComparison"): OptionReader {
  return (value, options) => {
    if (typeof value !== "boolean") return "must be true or false";
    options[key] = value;
    return null;
  };
}

const readMatchTypes: OptionReader = (value, options) => {
  const valid = Array.isArray(value) && value.every((type) => type === "latex" || type === "expr");
  if (!valid) return 'must be a list of "latex" and "expr"';
  options.matchTypes = value as ("latex" | "expr")[];
  return null;
};

/** Row option keys: camelCase as in `GradeOptions`, snake_case as in Math-Verify's test vectors. */
const OPTION_READERS = new Map<string, OptionReader>([
  ["precision", readPositive("precision")],
  ["timeout", readPositive("timeout")],
  ["strict", readBoolean("strict")],
  ["allowSetRelationComparison", readBoolean("allowSetRelationComparison")],
  ["allow_set_relation_comp", readBoolean("allowSetRelationComparison")],
  ["allow_set_relation_comparison", readBoolean("allowSetRelationComparison")],
  ["matchTypes", readMatchTypes],
  ["match_types", readMatchTypes],
]);

function readOptions(raw: unknown): GradeOptions | string {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) return "options must be an object";
  const options: GradeOptions = {};
  for (const [key, value] of Object.entries(raw)) {
    const reader = OPTION_READERS.get(key);
    if (reader === undefined)
      return `unknown option "${key}" (known: ${[...OPTION_READERS.keys()].join(", ")})`;
    const problem = reader(value, options);
    if (problem !== null) return `options.${key} ${problem}`;
  }
  return options;
}

/** Parses one JSONL line: `gold`, `pred` or `response`, optional `options` and `expected`. */
export function parseGradeRow(text: string, line: number): GradeRow {
  let fields: unknown;
  try {
    fields = JSON.parse(text);
  } catch (error) {
    return { line, fields: {}, error: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    return { line, fields: {}, error: "a row must be a JSON object" };
  }
  const row = fields as Record<string, unknown>;
  const response = row.pred ?? row.response;
  if (typeof row.gold !== "string") return { line, fields: row, error: "gold must be a string" };
  if (typeof response !== "string")
    return { line, fields: row, error: "pred (or response) must be a string" };
  if (row.expected !== undefined && typeof row.expected !== "boolean") {
    return { line, fields: row, error: "expected must be true or false" };
  }
  const options = readOptions(row.options);
  if (typeof options === "string") return { line, fields: row, error: options };
  const expected = typeof row.expected === "boolean" ? row.expected : null;
  return { line, fields: row, item: { gold: row.gold, response, options }, expected };
}

/**
 * The input's fields except the (long) response, which the output's order already ties to its row.
 * A plain loop (object rest/spread copies run several times slower on V8, ~6 µs a row) into an
 * object without prototype, so that a `__proto__` field stays a plain field as with a spread.
 */
function keptFields(row: GradeRow): Record<string, unknown> {
  const kept: Record<string, unknown> = Object.create(null);
  kept.line = row.line;
  for (const key in row.fields) if (key !== "pred" && key !== "response") kept[key] = row.fields[key];
  return kept;
}

/** The output row of a graded row: its kept fields, then the verdict. */
export function gradeOutputRow(row: GradeRow, grade: Grade): Record<string, unknown> {
  const output = keptFields(row);
  output.correct = grade.correct;
  output.reason = grade.reason;
  output.pred_extracted = grade.predicted;
  output.gold_extracted = grade.gold;
  output.rule_fired = grade.ruleFired;
  output.ms = grade.ms;
  return output;
}

/** The output row of a malformed row: its kept fields and the problem. */
export function errorOutputRow(row: GradeRow & { error: string }): Record<string, unknown> {
  const output = keptFields(row);
  output.error = row.error;
  return output;
}
