/**
 * Latency and throughput of the local sandbox (src/tools/sandbox): p50/p99 per call, one call at a
 * time, and calls/s with `--workers` calls in flight; beside it, in the same run, the baseline a
 * warm pool replaces: a fresh interpreter per call (`python -I -c`, importing numpy and sympy, no
 * isolation at all).
 *
 *   npx tsx bench/tools/sandbox-latency.ts [--workers 2] [--calls 200] [--baseline-calls 20]
 *
 * The machine's load average is printed before and after: on a shared machine the figures move with it.
 */
import { execFile } from "node:child_process";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { resolvePython } from "../../src/engine/python.js";
import { LocalSandbox } from "../../src/tools/index.js";

const { values: flags } = parseArgs({
  options: {
    workers: { type: "string", default: "2" },
    calls: { type: "string", default: "200" },
    "baseline-calls": { type: "string", default: "20" },
  },
});
const workers = Number(flags.workers);
const calls = Number(flags.calls);
const PROGRAMS = {
  arithmetic: "print(48213 * 90417)",
  sympy: "import sympy\nprint(sympy.factorint(2**64 - 1))",
  numpy: "import numpy as np\nprint(np.linalg.det(np.arange(16.0).reshape(4, 4) + np.eye(4)))",
};

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const format = (ms: number) => `${ms.toFixed(1)} ms`;
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function main(): Promise<void> {
  console.log(`load average before: ${load()} (1, 5, 15 min)`);
  const startMs = performance.now();
  const sandbox = await LocalSandbox.start({ workers });
  console.log(`pool of ${workers} warm workers started in ${format(performance.now() - startMs)}`);
  const run = (code: string) =>
    sandbox.runCode({ code, language: "python" }).then((response) => {
      if (response.status !== "Success") throw new Error(`bench call failed: ${JSON.stringify(response)}`);
    });
  for (let call = 0; call < 10; call++) await run(PROGRAMS.arithmetic);
  for (const [name, code] of Object.entries(PROGRAMS)) {
    const latencies: number[] = [];
    for (let call = 0; call < calls; call++) latencies.push(await timed(() => run(code)));
    console.log(
      `${name.padEnd(10)} one at a time: p50 ${format(quantile(latencies, 0.5))}  p99 ${format(quantile(latencies, 0.99))}`,
    );
  }
  const queue = Array.from({ length: calls }, () => PROGRAMS.arithmetic);
  const wall = await timed(() =>
    Promise.all(
      Array.from({ length: workers }, async () => {
        while (queue.length > 0) await run(queue.pop()!);
      }),
    ),
  );
  console.log(`throughput (${workers} in flight, arithmetic): ${((calls / wall) * 1000).toFixed(1)} calls/s`);
  await sandbox.close();

  const python = resolvePython();
  const baseline: number[] = [];
  for (let call = 0; call < Number(flags["baseline-calls"]); call++) {
    baseline.push(
      await timed(
        () =>
          new Promise((resolve, reject) =>
            execFile(python, ["-I", "-c", `import numpy, sympy\n${PROGRAMS.arithmetic}`], (error) =>
              error ? reject(error) : resolve(null),
            ),
          ),
      ),
    );
  }
  console.log(
    `baseline, fresh interpreter per call (no isolation): p50 ${format(quantile(baseline, 0.5))}  p99 ${format(quantile(baseline, 0.99))}`,
  );
  console.log(`load average after: ${load()}`);
}

await main();
