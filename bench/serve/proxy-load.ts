/**
 * Proxy load test: C concurrent clients for D seconds, first straight to a fixed-latency upstream,
 * then through `boxed serve` in passthrough mode (each in its own process). Prints p50/p99 latency
 * of both phases and their difference (the latency the proxy adds), lost and duplicated requests,
 * and the proxy's resident memory over time.
 *   npx tsx bench/serve/proxy-load.ts [--clients 200] [--duration 60] [--latency 100]
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "200" },
    duration: { type: "string", default: "60" },
    latency: { type: "string", default: "100" },
  },
});
const clients = Number(values.clients);
const durationMs = Number(values.duration) * 1000;
const latencyMs = Number(values.latency);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Total latency and the part of it spent outside the upstream (total − its x-upstream-ms). */
function post(agent: Agent, url: URL, id: string): Promise<{ ms: number; outside: number; ok: boolean }> {
  const body = JSON.stringify({ model: "fake", messages: [{ role: "user", content: id }] });
  const start = performance.now();
  return new Promise((resolve) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => {
          let ok = false;
          try {
            ok = response.statusCode === 200 && JSON.parse(text).choices[0].message.content === id;
          } catch {}
          const ms = performance.now() - start;
          resolve({ ms, outside: ms - Number(response.headers["x-upstream-ms"] ?? Number.NaN), ok });
        });
      },
    );
    outgoing.on("error", () => resolve({ ms: performance.now() - start, outside: Number.NaN, ok: false }));
    outgoing.end(body);
  });
}

async function phase(name: string, base: string, onSecond: () => void) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const url = new URL(`${base.replace(/\/$/, "")}/chat/completions`);
  const latencies: number[] = [];
  const outside: number[] = [];
  let sent = 0;
  let failed = 0;
  const end = Date.now() + durationMs;
  const timer = setInterval(onSecond, 1000);
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; Date.now() < end; i++) {
        sent++;
        const result = await post(agent, url, `${name}-${client}-${i}`);
        if (result.ok) {
          latencies.push(result.ms);
          outside.push(result.outside);
        } else failed++;
      }
    }),
  );
  clearInterval(timer);
  agent.destroy();
  const at = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  };
  return {
    sent,
    failed,
    p50: at(latencies, 0.5),
    p99: at(latencies, 0.99),
    outside50: at(outside, 0.5),
    outside99: at(outside, 0.99),
    rate: latencies.length / (durationMs / 1000),
  };
}

function ask(child: ChildProcess, message: string): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    child.once("message", (reply) => resolve(reply as Record<string, number>));
    child.send(message);
  });
}

const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

const upstream = fork(here("./fixed-latency-upstream.ts"), [String(latencyMs)], {
  execArgv: ["--import", "tsx"],
});
const upstreamUrl = await new Promise<string>((resolve) =>
  upstream.once("message", (message) => resolve((message as { ready: string }).ready)),
);
const direct = await phase("direct", upstreamUrl, () => {});
const afterDirect = await ask(upstream, "stats");

const proxy = spawn(
  process.execPath,
  ["--import", "tsx", here("../../src/cli/main.ts"), "serve", "--upstream", upstreamUrl, "--port", "0"],
  { stdio: ["ignore", "ignore", "pipe"] },
);
const proxyUrl = await new Promise<string>((resolve) =>
  proxy.stderr?.on("data", (chunk) => {
    const match = /listening on (\S+)/.exec(String(chunk));
    if (match) resolve(match[1] as string);
  }),
);
/** utime + stime of a process in ms (clock ticks of 10 ms on Linux). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const cpuBefore = cpuMs(proxy.pid as number);
const memory: number[] = [rss(proxy.pid as number)];
const proxied = await phase("proxy", proxyUrl, () => memory.push(rss(proxy.pid as number)));
const proxyCpu = cpuMs(proxy.pid as number) - cpuBefore;
const stats = await ask(upstream, "stats");
proxy.kill("SIGTERM");
upstream.send("exit");

const ms = (value: number) => `${value.toFixed(2)} ms`;
const through = stats.requests - afterDirect.requests;
console.log(
  `clients ${clients}, duration ${durationMs / 1000} s per phase, upstream latency ${latencyMs} ms`,
);
console.log(
  `direct : ${direct.sent} requests, ${direct.failed} failed, ${direct.rate.toFixed(0)} req/s, p50 ${ms(direct.p50)}, p99 ${ms(direct.p99)}`,
);
console.log(
  `proxied: ${proxied.sent} requests, ${proxied.failed} failed, ${proxied.rate.toFixed(0)} req/s, p50 ${ms(proxied.p50)}, p99 ${ms(proxied.p99)}`,
);
console.log(
  `time outside the upstream per request (total − x-upstream-ms): direct p50 ${ms(direct.outside50)}, p99 ${ms(direct.outside99)}; proxied p50 ${ms(proxied.outside50)}, p99 ${ms(proxied.outside99)}`,
);
console.log(
  `added by the proxy: p50 ${ms(proxied.outside50 - direct.outside50)}, p99 ${ms(proxied.outside99 - direct.outside99)}`,
);
console.log(
  `upstream saw ${through} proxied requests for ${proxied.sent} sent: lost ${proxied.sent - through}, duplicated ${stats.duplicates - afterDirect.duplicates}, wrong or failed answers ${proxied.failed}`,
);
console.log(
  `proxy CPU time per request: ${(proxyCpu / Math.max(1, proxied.sent)).toFixed(3)} ms (${proxyCpu} ms for ${proxied.sent} requests)`,
);
const quarter = Math.max(1, Math.floor(memory.length / 4));
console.log(
  `proxy RSS MiB: start ${memory[0]?.toFixed(0)}, after 25% ${memory[quarter]?.toFixed(0)}, end ${memory.at(-1)?.toFixed(0)}, max ${Math.max(...memory).toFixed(0)}`,
);
