/**
 * Orchestration overhead of `boxed eval`'s sampling path: drives `--requests` requests (default
 * 5,000) at `--concurrency` (default 64) through runSampling → OpenAISampler (openai SDK) →
 * SampleStore (SQLite, one commit per sample) against a fixed-latency OpenAI-compatible server
 * running in a separate process, and prints achieved vs ideal throughput. Ideal: every slot is
 * always busy, so throughput = concurrency / latency and time = ⌈requests / concurrency⌉ · latency.
 *
 *   node --import tsx bench/eval/throughput.ts [--requests 5000] [--concurrency 64] [--latency-ms 100]
 */
import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getPromptTemplate } from "../../src/data/prompts.js";
import { planRequests } from "../../src/eval/plan.js";
import { runSampling } from "../../src/eval/run-sampling.js";
import { OpenAISampler } from "../../src/sample/openai-sampler.js";
import { startFakeServer } from "../../src/sample/test-helpers/fake-openai-server.js";
import { SampleStore } from "../../src/store/sample-store.js";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "64" },
    "latency-ms": { type: "string", default: "100" },
    serve: { type: "boolean", default: false },
  },
});
const latencyMs = Number(values["latency-ms"]);

if (values.serve) {
  const server = await startFakeServer({ latencyMs });
  process.send?.(server.url);
} else {
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const child = fork(new URL(import.meta.url).pathname, ["--serve", "--latency-ms", String(latencyMs)], {
    execArgv: ["--import", "tsx"],
  });
  const url = await new Promise<string>((resolve) =>
    child.once("message", (message) => resolve(String(message))),
  );
  const problems = Array.from({ length: requests }, (_, id) => ({
    id: String(id),
    benchmark: "bench",
    question: `What is ${id} + 1?`,
    answer: String(id + 1),
  }));
  const store = new SampleStore(join(mkdtempSync(join(tmpdir(), "boxed-bench-eval-")), "samples.sqlite"));
  const scope = { model: "fake", configHash: "bench" };
  const plan = planRequests([{ name: "bench", problems, stored: new Map() }], 1, 1);
  const sampler = new OpenAISampler({
    baseUrls: [url],
    model: "fake",
    concurrency,
    params: { temperature: 0.6, maxTokens: 64 },
  });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { failures } = await runSampling({
    requests: plan.requests,
    sampler,
    store,
    scope,
    template: getPromptTemplate("qwen25-math-cot"),
    mode: "chat",
    concurrency,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / requests;
  const stored = [...store.load("bench", scope).values()].reduce((sum, samples) => sum + samples.length, 0);
  store.close();
  child.kill();
  const idealSeconds = (Math.ceil(requests / concurrency) * latencyMs) / 1000;
  const achieved = requests / seconds;
  const ideal = requests / idealSeconds;
  console.log(
    `requests ${requests}, concurrency ${concurrency}, server latency ${latencyMs} ms, failures ${failures.length}, samples stored ${stored}`,
  );
  console.log(`elapsed ${seconds.toFixed(2)} s (ideal ${idealSeconds.toFixed(2)} s)`);
  console.log(
    `client CPU ${cpuMsPerRequest.toFixed(3)} ms per request (runner + openai SDK + SQLite commit)`,
  );
  console.log(
    `throughput ${achieved.toFixed(1)} req/s achieved vs ${ideal.toFixed(1)} req/s ideal → gap ${((1 - achieved / ideal) * 100).toFixed(2)}%`,
  );
}
