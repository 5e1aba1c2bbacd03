/**
 * `startEngine({ processes: 2 })` against the real engine under torchrun (FSDP2 on gloo): rank 0
 * answers, /info reports the world, a training step runs, `connectEngine` drives it from its URL,
 * and `stop()` leaves no rank behind.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { connectEngine } from "./connect.js";
import { startEngine } from "./process.js";
import { tinyModel } from "./test-helpers/tiny-model.js";

/** Process ids of `pid`'s descendants (torchrun's ranks). */
function descendants(pid: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" });
  const children = new Map<number, number[]>();
  for (const line of table.trim().split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startEngine({ processes: 2 })", () => {
  it("serves one protocol from two FSDP2 ranks and stops them all", { timeout: 240_000 }, async () => {
    const engine = await startEngine({ model: await tinyModel(), processes: 2, threads: 1, seed: 0 });
    const ranks = descendants(engine.pid);
    try {
      const info = await engine.client.info();
      expect(info.distributed?.world_size).toBe(2);
      expect(info.distributed?.rank_parameter_bytes).toHaveLength(2);
      expect(ranks.length).toBeGreaterThanOrEqual(2);
      const datum = { tokens: [1, 2, 3], target_tokens: [2, 3, 4], weights: [0.5, -0.5, 1] };
      const result = await engine.client.forwardBackward({ data: [datum, datum, datum] });
      expect(result.logprobs).toHaveLength(3);
      const step = await engine.client.optimStep({ adam_params: { learning_rate: 1e-3 } });
      expect(step.step).toBe(1);
      // engine.url in a train config: the same engine driven from its URL; stop() leaves it running
      const remote = await connectEngine({ url: engine.url, token: engine.token });
      expect((await remote.client.info()).step).toBe(1);
      await remote.stop();
      expect((await engine.client.health()).status).toBe("ok");
      await expect(connectEngine({ url: "http://127.0.0.1:9" })).rejects.toThrow(/did not answer \/health/);
    } finally {
      await engine.stop();
    }
    const deadline = Date.now() + 30_000;
    while (ranks.some(isAlive) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ranks.filter(isAlive)).toEqual([]);
  });
});
