import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseJsonl } from "./jsonl.js";
import { type LocalFileOptions, problemsFromRows } from "./local-file.js";
import type { Problem } from "./types.js";

export interface HubDatasetOptions extends LocalFileOptions {
  /** Dataset config (subset). Default "default". */
  config?: string;
  /** Split. Default "test". */
  split?: string;
  /** Cache folder. Default `$BOXED_CACHE` or `~/.cache/boxed`. */
  cacheDir?: string;
  /** Access token for gated datasets. Default `$HF_TOKEN`. */
  token?: string;
  /** Injected for tests; default global fetch. */
  fetch?: typeof fetch;
}

const ROWS_ENDPOINT = "https://datasets-server.huggingface.co/rows";
const PAGE = 100; // the rows endpoint returns at most 100 rows per call

/** Where a dataset split is cached as JSON Lines. */
export function hubCachePath(id: string, config: string, split: string, cacheDir?: string): string {
  const root = cacheDir ?? process.env.BOXED_CACHE ?? join(homedir(), ".cache", "boxed");
  return join(root, "datasets", `${id.replace(/\//g, "__")}__${config}__${split}.jsonl`);
}

async function fetchPage(
  id: string,
  options: Required<Pick<HubDatasetOptions, "config" | "split">> & HubDatasetOptions,
  offset: number,
): Promise<{ rows: Record<string, unknown>[]; total: number }> {
  const url = `${ROWS_ENDPOINT}?dataset=${encodeURIComponent(id)}&config=${encodeURIComponent(options.config)}&split=${encodeURIComponent(options.split)}&offset=${offset}&length=${PAGE}`;
  const token = options.token ?? process.env.HF_TOKEN;
  const response = await (options.fetch ?? fetch)(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) {
    throw new Error(
      `HuggingFace dataset ${id} (${options.config}/${options.split}): HTTP ${response.status} ${await response.text()}`,
    );
  }
  const body = (await response.json()) as {
    rows: { row: Record<string, unknown> }[];
    num_rows_total: number;
  };
  return { rows: body.rows.map((entry) => entry.row), total: body.num_rows_total };
}

/**
 * Loads a HuggingFace dataset split by id through the dataset viewer's rows API, caching it as
 * JSON Lines so later runs work offline. Needs network on first use.
 */
export async function loadHubProblems(id: string, options: HubDatasetOptions = {}): Promise<Problem[]> {
  const resolved = { ...options, config: options.config ?? "default", split: options.split ?? "test" };
  const cachePath = hubCachePath(id, resolved.config, resolved.split, options.cacheDir);
  const source = `hf:${id}`;
  const mapping = { ...options, name: options.name ?? id.split("/").pop() };
  if (existsSync(cachePath))
    return problemsFromRows(parseJsonl(readFileSync(cachePath, "utf8"), cachePath), source, mapping);
  const rows: Record<string, unknown>[] = [];
  let total = Number.POSITIVE_INFINITY;
  while (rows.length < total) {
    const page = await fetchPage(id, resolved, rows.length);
    total = page.total;
    if (page.rows.length === 0) break;
    rows.push(...page.rows);
  }
  mkdirSync(join(cachePath, ".."), { recursive: true });
  writeFileSync(`${cachePath}.partial`, rows.map((row) => JSON.stringify(row)).join("\n"));
  renameSync(`${cachePath}.partial`, cachePath);
  return problemsFromRows(rows, source, mapping);
}
