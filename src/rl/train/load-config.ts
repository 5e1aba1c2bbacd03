import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { parseTrainConfig, type TrainConfig } from "./config.js";

/** Reads a YAML or JSON config file (JSON is YAML, so one parser serves both). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`config: cannot read ${path}: ${(error as Error).message}`);
  }
  const value = parseYaml(text) as unknown;
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new Error(`config: ${path} must hold a mapping`);
  return value as Record<string, unknown>;
}

/** Sets `a.b.c = value` in a nested plain object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, dottedPath: string, value: unknown): void {
  const keys = dottedPath.split(".");
  if (keys.some((key) => key === "")) throw new Error(`config override: bad key "${dottedPath}"`);
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (typeof next !== "object" || next === null || Array.isArray(next)) {
      throw new Error(`config override: "${dottedPath}" goes through a non-object at "${key}"`);
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Parses "key=value" (value read as YAML: numbers, booleans, lists) into a [key, value] pair. */
export function parseAssignment(assignment: string): [string, unknown] {
  const equals = assignment.indexOf("=");
  if (equals <= 0) throw new Error(`--set expects key=value, got "${assignment}"`);
  const raw = assignment.slice(equals + 1);
  return [assignment.slice(0, equals).trim(), raw === "" ? "" : parseYaml(raw)];
}

/**
 * The resolved config: defaults ← file ← overrides (dotted keys). Overrides are applied in order, so
 * a later flag wins over an earlier one.
 */
export function resolveTrainConfig(options: {
  file?: string;
  overrides?: [string, unknown][];
  base?: Record<string, unknown>;
}): TrainConfig {
  const raw: Record<string, unknown> = structuredClone(options.base ?? {});
  if (options.file) Object.assign(raw, readConfigFile(options.file));
  for (const [key, value] of options.overrides ?? []) if (value !== undefined) setPath(raw, key, value);
  return parseTrainConfig(raw);
}
