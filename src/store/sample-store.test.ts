import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Sample } from "../sample/types.js";
import { canonicalJson, configHash } from "./config-hash.js";
import { SampleStore } from "./sample-store.js";

const sample = (problemId: string, index: number, text = `answer ${index}`): Sample => ({
  problemId,
  index,
  text,
  finishReason: "stop",
  usage: { promptTokens: 5, completionTokens: 7 },
});

describe("SampleStore", () => {
  it("persists samples across reopenings, keyed by scope, first write wins", () => {
    const path = join(mkdtempSync(join(tmpdir(), "boxed-store-")), "run", "samples.sqlite");
    const scope = { model: "m", configHash: configHash({ temperature: 0.6 }) };
    const first = new SampleStore(path);
    first.put("aime24", scope, sample("p1", 1));
    first.put("aime24", scope, sample("p1", 0));
    first.put("aime24", scope, { ...sample("p1", 0, "second write"), logprobs: [-0.5] });
    first.put("aime24", { ...scope, model: "other" }, sample("p1", 2));
    first.put("math500", scope, sample("p2", 0));
    first.close();
    const reopened = new SampleStore(path);
    const loaded = reopened.load("aime24", scope);
    expect([...loaded.keys()]).toEqual(["p1"]);
    expect(loaded.get("p1")).toEqual([sample("p1", 0), sample("p1", 1)]);
    reopened.put("aime24", scope, { ...sample("p3", 0), logprobs: [-1, -2], tokens: [4, 5] });
    expect(reopened.load("aime24", scope).get("p3")?.[0]).toMatchObject({
      logprobs: [-1, -2],
      tokens: [4, 5],
    });
    reopened.close();
  });

  it("hashes configs independently of key order and undefined fields", () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 2 }] })).toBe('{"a":[{"c":2}],"b":1}');
    expect(configHash({ a: 1, b: 2 })).toBe(configHash({ b: 2, a: 1, c: undefined }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
  });
});
