/**
 * Memory check for the proxy: in one process, R rounds of 5000 passthrough requests (50 in flight)
 * to a local upstream; after each round a forced GC, then heapUsed and RSS are printed. Flat figures
 * mean nothing is retained per request (RSS in the load test also grows with lazy GC, not a leak).
 *   node --expose-gc --import tsx bench/serve/heap-probe.ts [rounds]
 */
import { Agent, request } from "node:http";
import { createProxy } from "../../src/scale/serve/server.js";
import { startFakeUpstream } from "../../src/scale/serve/test-helpers/fake-upstream.js";

const rounds = Number(process.argv[2] ?? "5");
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error("run with node --expose-gc");
const upstream = await startFakeUpstream({
  respond: (_index, body) => {
    upstream.bodies.length = 0;
    return String((body.messages as { content: string }[])[0]?.content);
  },
});
const proxy = createProxy({ upstream: upstream.url });
const { port } = await proxy.listen(0);
const agent = new Agent({ keepAlive: true, maxSockets: 50 });
const one = (id: number) =>
  new Promise<void>((resolve) => {
    const body = JSON.stringify({ model: "fake", messages: [{ role: "user", content: String(id) }] });
    const outgoing = request(
      `http://127.0.0.1:${port}/v1/chat/completions`,
      { method: "POST", agent },
      (response) => {
        response.resume();
        response.on("end", resolve);
      },
    );
    outgoing.setHeader("content-type", "application/json");
    outgoing.end(body);
  });
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
for (let round = 1; round <= rounds; round++) {
  for (let batch = 0; batch < 100; batch++)
    await Promise.all(Array.from({ length: 50 }, (_, i) => one(batch * 50 + i)));
  collect();
  const { heapUsed, rss } = process.memoryUsage();
  console.log(`after ${round * 5000} requests: heapUsed ${mib(heapUsed)} MiB, rss ${mib(rss)} MiB`);
}
agent.destroy();
await proxy.close();
await upstream.close();
