import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** Fails early, with a clear message, when `directory` cannot be created or written, or its disk is nearly full. */
export function prepareOutputDirectory(directory: string, minimumFreeBytes = 50 * 1024 * 1024): void {
  try {
    mkdirSync(directory, { recursive: true });
    const probe = join(directory, `.write-probe-${process.pid}`);
    writeFileSync(probe, "probe");
    rmSync(probe);
  } catch (error) {
    throw new Error(`output directory ${directory} is not writable: ${(error as Error).message}`);
  }
  const stats = statfsSync(directory);
  const free = Number(stats.bavail) * Number(stats.bsize);
  if (free < minimumFreeBytes) {
    throw new Error(
      `output directory ${directory}: only ${(free / 1e6).toFixed(1)} MB free, need at least ${(minimumFreeBytes / 1e6).toFixed(0)} MB`,
    );
  }
}

/** Writes a file atomically (temp file, then rename), so a kill never leaves half a file. */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Appends records as JSON lines. */
export function appendJsonLines(path: string, records: unknown[]): void {
  if (records.length === 0) return;
  appendFileSync(path, `${records.map((record) => JSON.stringify(record)).join("\n")}\n`);
}

/** Reads JSON lines (a torn last line from a kill is ignored). */
export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const records: T[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      // a line cut short by a kill
    }
  }
  return records;
}

/** Keeps only the records with `step` ≤ `lastStep` (resume rewinds the logs to the checkpoint). */
export function truncateJsonLines(path: string, lastStep: number): void {
  if (!existsSync(path)) return;
  const kept = readJsonLines<{ step: number }>(path).filter((record) => record.step <= lastStep);
  writeFileAtomic(path, kept.map((record) => `${JSON.stringify(record)}\n`).join(""));
}
