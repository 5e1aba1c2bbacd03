import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Sample } from "../sample/types.js";

/** Which run a sample belongs to: model and sampling-config hash (the sample count n is not part of it). */
export interface StoreScope {
  model: string;
  configHash: string;
}

interface Row {
  benchmark: string;
  problem_id: string;
  sample_index: number;
  text: string;
  finish_reason: Sample["finishReason"];
  prompt_tokens: number;
  completion_tokens: number;
  extra: string | null;
}

/**
 * Persistent sample store on SQLite (better-sqlite3), one row per sample keyed by
 * (benchmark, problem, model, config hash, sample index). Each sample is committed the moment it
 * arrives (WAL journal), so a killed run loses at most the requests in flight; re-running resumes,
 * and raising n reuses what exists.
 */
export class SampleStore {
  private readonly database: Database.Database;
  private readonly insert: Database.Statement;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    this.database.pragma("journal_mode = WAL");
    this.database.pragma("synchronous = NORMAL");
    this.database.exec(`CREATE TABLE IF NOT EXISTS samples (
      benchmark TEXT NOT NULL, problem_id TEXT NOT NULL, model TEXT NOT NULL, config_hash TEXT NOT NULL,
      sample_index INTEGER NOT NULL, text TEXT NOT NULL, finish_reason TEXT NOT NULL,
      prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, extra TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      PRIMARY KEY (benchmark, problem_id, model, config_hash, sample_index))`);
    this.insert = this.database.prepare(
      `INSERT OR IGNORE INTO samples (benchmark, problem_id, model, config_hash, sample_index, text, finish_reason,
       prompt_tokens, completion_tokens, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Stores one sample; a sample already stored under the same key is kept (first write wins). */
  put(benchmark: string, scope: StoreScope, sample: Sample): void {
    const extra =
      sample.tokens || sample.logprobs || sample.topLogprobs || sample.turns || sample.usage.estimated
        ? JSON.stringify({
            tokens: sample.tokens,
            logprobs: sample.logprobs,
            topLogprobs: sample.topLogprobs,
            turns: sample.turns,
            ...(sample.usage.estimated && { tokensEstimated: true }),
          })
        : null;
    this.insert.run(
      benchmark,
      sample.problemId,
      scope.model,
      scope.configHash,
      sample.index,
      sample.text,
      sample.finishReason,
      sample.usage.promptTokens,
      sample.usage.completionTokens,
      extra,
    );
  }

  /** Every stored sample of a benchmark in a scope, grouped by problem id and sorted by index. */
  load(benchmark: string, scope: StoreScope): Map<string, Sample[]> {
    const rows = this.database
      .prepare(
        `SELECT benchmark, problem_id, sample_index, text, finish_reason, prompt_tokens, completion_tokens, extra
         FROM samples WHERE benchmark = ? AND model = ? AND config_hash = ? ORDER BY problem_id, sample_index`,
      )
      .all(benchmark, scope.model, scope.configHash) as Row[];
    const byProblem = new Map<string, Sample[]>();
    for (const row of rows) {
      const extra = row.extra
        ? (JSON.parse(row.extra) as Partial<Sample> & { tokensEstimated?: boolean })
        : {};
      const sample: Sample = {
        problemId: row.problem_id,
        index: row.sample_index,
        text: row.text,
        finishReason: row.finish_reason,
        usage: {
          promptTokens: row.prompt_tokens,
          completionTokens: row.completion_tokens,
          ...(extra.tokensEstimated && { estimated: true }),
        },
        ...(extra.tokens ? { tokens: extra.tokens } : {}),
        ...(extra.logprobs ? { logprobs: extra.logprobs } : {}),
        ...(extra.topLogprobs ? { topLogprobs: extra.topLogprobs } : {}),
        ...(extra.turns ? { turns: extra.turns } : {}),
      };
      byProblem.set(row.problem_id, [...(byProblem.get(row.problem_id) ?? []), sample]);
    }
    return byProblem;
  }

  close(): void {
    this.database.close();
  }
}
