import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hubCachePath, loadHubProblems } from "./huggingface.js";

describe("loadHubProblems (HF dataset viewer rows API, with an injected fetch; no network)", () => {
  it("pages through all rows, maps fields, caches the split and reads the cache afterwards", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "boxed-hf-"));
    const rows = Array.from({ length: 130 }, (_, index) => ({
      row_idx: index,
      row: { problem: `Q${index}`, solution: String(index) },
    }));
    const urls: string[] = [];
    const fakeFetch = (async (url: string) => {
      urls.push(url);
      const offset = Number(new URL(url).searchParams.get("offset"));
      const length = Number(new URL(url).searchParams.get("length"));
      return new Response(
        JSON.stringify({ rows: rows.slice(offset, offset + length), num_rows_total: rows.length }),
      );
    }) as typeof fetch;
    const options = { cacheDir, split: "test", answerField: "solution", fetch: fakeFetch };
    const problems = await loadHubProblems("someone/tiny-math", options);
    expect(problems).toHaveLength(130);
    expect(problems[129]).toEqual({ id: "129", benchmark: "tiny-math", question: "Q129", answer: "129" });
    expect(urls).toHaveLength(2);
    expect(urls[0]).toContain("dataset=someone%2Ftiny-math&config=default&split=test&offset=0&length=100");
    expect(existsSync(hubCachePath("someone/tiny-math", "default", "test", cacheDir))).toBe(true);
    expect(await loadHubProblems("someone/tiny-math", options)).toEqual(problems);
    expect(urls).toHaveLength(2); // served from the cache
  });

  it("reports HTTP errors with the dataset, config and split", async () => {
    const failing = (async () => new Response("not found", { status: 404 })) as unknown as typeof fetch;
    await expect(
      loadHubProblems("nobody/missing", {
        cacheDir: mkdtempSync(join(tmpdir(), "boxed-hf-")),
        fetch: failing,
      }),
    ).rejects.toThrow(/HuggingFace dataset nobody\/missing \(default\/test\): HTTP 404 not found/);
  });
});
