import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderEvalReport } from "./report-page.js";
import type { EvalResults } from "./results.js";
import type { SampleRecord } from "./score.js";

/** Writes a file atomically (temp file, then rename), so a killed run never leaves half a file. */
function writeAtomic(path: string, content: string): void {
  writeFileSync(`${path}.partial`, content);
  renameSync(`${path}.partial`, path);
}

/** Writes the run directory: config.json, results.json, samples.jsonl and report.html. */
export function writeRunOutputs(directory: string, results: EvalResults, records: SampleRecord[]): string[] {
  mkdirSync(directory, { recursive: true });
  const files = {
    "config.json": `${JSON.stringify(results.config, null, 2)}\n`,
    "results.json": `${JSON.stringify(results, null, 2)}\n`,
    "samples.jsonl": records.map((record) => `${JSON.stringify(record)}\n`).join(""),
    "report.html": renderEvalReport(results, records),
  };
  for (const [name, content] of Object.entries(files)) writeAtomic(join(directory, name), content);
  return Object.keys(files).map((name) => join(directory, name));
}
