import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root, found by walking up from this file to the folder holding `package.json`
 * and `data/`; works from `src/data/` (tsx, vitest) and `dist/data/` (the built package).
 */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    if (existsSync(join(folder, "package.json")) && existsSync(join(folder, "data"))) return folder;
    folder = dirname(folder);
  }
  throw new Error("cannot find the boxed package root (a folder with package.json and data/)");
}

/** The folder of benchmark files shipped with the package. */
export function shippedBenchmarksDir(): string {
  return join(packageRoot(), "data", "benchmarks");
}
