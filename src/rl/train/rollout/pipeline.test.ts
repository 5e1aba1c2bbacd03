import { describe, expect, it } from "vitest";
import type { SampledGroup } from "../types.js";
import { type PipelineOptions, RolloutPipeline } from "./pipeline.js";
import type { RolloutSampler } from "./remote-sampler.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A scripted server: sampling takes `sampleMs`, and every event is logged in order. */
function scripted(rollout: PipelineOptions["rollout"], lastStep: number, sampleMs = 20) {
  const events: string[] = [];
  let served = "base";
  // plainRound stands in for the sampling itself; the sampler it is given is not called.
  const samplerFor = (): RolloutSampler => ({ sample: () => Promise.reject(new Error("unused")) });
  const pipeline = new RolloutPipeline({
    rollout,
    lastStep,
    trainerVersion: 0,
    samplerFor,
    plainRound: async (step, round) => {
      const model = served;
      events.push(`sample ${step}.${round} start on ${model}`);
      await sleep(sampleMs);
      events.push(`sample ${step}.${round} end`);
      const group: SampledGroup = {
        problem: { id: "p", benchmark: "b", question: "q", answer: "a" },
        promptTokens: [1],
        samples: [],
      };
      return { groups: [group], samplingSeconds: sampleMs / 1000, gradingSeconds: 0 };
    },
    sync: async (version) => {
      events.push(`export v${version}`);
      return {
        exportSeconds: 0,
        load: async () => {
          events.push(`load v${version}`);
          served = `v${version}`;
          return { model: `m-v${version}`, exportSeconds: 0 };
        },
      };
    },
  });
  return { pipeline, events };
}

async function run(pipeline: RolloutPipeline, steps: number, trainMs = 5) {
  const rows: Record<string, number>[] = [];
  await pipeline.start();
  for (let step = 1; step <= steps; step++) {
    await pipeline.sampleRound(step, 0, 1);
    await sleep(trainMs);
    rows.push(await pipeline.afterStep(step));
  }
  await pipeline.finish();
  return rows;
}

describe("RolloutPipeline", () => {
  it("synchronous: samples after each sync, every batch fresh", async () => {
    const { pipeline, events } = scripted({ maxStaleness: 0, syncEvery: 1, correction: "drop" }, 2);
    const rows = await run(pipeline, 2);
    expect(rows.map((row) => [row.staleness, row.samplerVersion])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(events).toEqual([
      "export v0",
      "load v0",
      "sample 1.0 start on v0",
      "sample 1.0 end",
      "export v1",
      "load v1",
      "sample 2.0 start on v1",
      "sample 2.0 end",
      "export v2",
      "load v2",
    ]);
    expect(rows[0].rolloutWaitSeconds).toBeGreaterThan(0.015);
  });

  it("one step ahead: the next batch samples while the step trains; a load waits for it", async () => {
    const { pipeline, events } = scripted({ maxStaleness: 1, syncEvery: 1, correction: "drop" }, 3);
    const rows = await run(pipeline, 3, 60);
    expect(rows.map((row) => row.staleness)).toEqual([0, 1, 1]);
    expect(rows.map((row) => row.samplerVersion)).toEqual([0, 0, 1]);
    // Sample 2 starts as soon as sample 1 is in and runs during step 1's training; v1 loads after it ended.
    expect(events.slice(0, 8)).toEqual([
      "export v0",
      "load v0",
      "sample 1.0 start on v0",
      "sample 1.0 end",
      "sample 2.0 start on v0",
      "sample 2.0 end",
      "export v1",
      "load v1",
    ]);
    expect(rows[1].rolloutWaitSeconds).toBeLessThan(0.015); // step 2's batch was ready
  });

  it("refill rounds are never sampled ahead, and a run that stops early discards what is in flight", async () => {
    const { pipeline, events } = scripted({ maxStaleness: 1, syncEvery: 1, correction: "drop" }, 5);
    await pipeline.start();
    await pipeline.sampleRound(1, 0, 1);
    await pipeline.sampleRound(1, 1, 1);
    pipeline.close();
    expect(events.filter((event) => event.endsWith("start on v0"))).toEqual([
      "sample 1.0 start on v0",
      "sample 2.0 start on v0",
      "sample 1.1 start on v0",
    ]);
  });

  it("needs start() before sampling", async () => {
    const { pipeline } = scripted({ maxStaleness: 0, syncEvery: 1, correction: "drop" }, 1);
    await expect(pipeline.sampleRound(1, 0, 1)).rejects.toThrow(/start\(\)/);
  });
});
