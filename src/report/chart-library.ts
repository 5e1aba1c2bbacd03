import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let cached: string | null = null;

/**
 * The source of Chart.js (https://www.chartjs.org, MIT) as its UMD bundle, read from the installed
 * package so that reports inline it and open offline. Cached after the first read.
 */
export function chartJsSource(): string {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  let folder = dirname(require.resolve("chart.js"));
  while (!existsSync(join(folder, "package.json"))) folder = dirname(folder);
  cached = readFileSync(join(folder, "dist", "chart.umd.min.js"), "utf8");
  return cached;
}
