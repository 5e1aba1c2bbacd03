/**
 * How many items per message the grade pool should send: grades/s of `gradeBatch` over the
 * benchmark rows for several `maxChunk` values, beside `gradeSync` in one thread (the ceiling per
 * core) measured in the same run.
 *
 *   npx tsx bench/verify/chunk-size.ts [--workers N] [--copies 10] [--chunks 1,4,16,64,256] [--trivial]
 *
 * With `--trivial` the workers run a grader that does nothing (the pool's test stand-in), so the
 * figures are the pool's own cost: messages, structured cloning, scheduling.
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { gradeSync } from "../../src/verify/index.js";
import { createGradePool } from "../../src/verify/pool/index.js";
import { buildRows } from "./rows.js";

const { values: flags } = parseArgs({
  options: {
    workers: { type: "string", default: String(availableParallelism()) },
    copies: { type: "string", default: "10" },
    chunks: { type: "string", default: "1,4,16,64,256" },
    trivial: { type: "boolean", default: false },
  },
});

const items = buildRows(Number(flags.copies)).map((row) => ({ gold: row.gold, response: row.pred }));
const workers = Number(flags.workers);
const trivialGrader = {
  moduleUrl: new URL("../../src/verify/pool/test-helpers/scripted-grader.ts", import.meta.url).href,
  exportName: "scriptedGrade",
};

/** Wall rate, and the rate per CPU-second of the whole process (all threads): on a shared machine the
 *  wall figure moves with the other load, the CPU figure much less. */
function rate(seconds: number, cpu: NodeJS.CpuUsage): string {
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return `${Math.round(items.length / seconds)} grades/s wall, ${Math.round(items.length / cpuSeconds)} grades per CPU-second`;
}

/** One thread, no pool: the verifier's own cost, the ceiling of one worker. */
function gradeInThisThread(): void {
  for (const item of items.slice(0, 800)) gradeSync(item.gold, item.response); // load the CAS, warm the JIT
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const item of items) gradeSync(item.gold, item.response);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `gradeSync, one thread, ${items.length} rows: ${rate(seconds, process.cpuUsage(cpu))}\n`,
  );
}

async function main(): Promise<void> {
  if (!flags.trivial) gradeInThisThread();
  const grader = flags.trivial ? "trivial grader" : "gradeSync";
  for (const maxChunk of flags.chunks!.split(",").map(Number)) {
    const pool = createGradePool({ workers, maxChunk, grader: flags.trivial ? trivialGrader : undefined });
    await pool.gradeBatch(items.slice(0, 800 * workers)); // start the workers, load the CAS in each
    const started = performance.now();
    const cpu = process.cpuUsage();
    await pool.gradeBatch(items);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `pool (${grader}), ${workers} workers, maxChunk ${maxChunk}: ${rate(seconds, process.cpuUsage(cpu))}\n`,
    );
    await pool.close();
  }
}

await main();
