import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_SFT_STAGES, demoPlan, demoTrainConfig } from "./demo.js";
import { demoDataPlan, writeDemoData } from "./demo-data.js";
import { readJsonLines } from "./run-files.js";

describe("the demo's data", () => {
  it.each([0, 1, 2])("holds no held-out problem in any stage (GRPO seed %i)", (seed) => {
    const plan = demoPlan(seed);
    expect(plan.heldOut).toHaveLength(200);
    expect(plan.stages.map((stage) => stage.stage)).toEqual([
      ...DEMO_SFT_STAGES.map((_, index) => `sft-${index + 1}`),
      "grpo",
    ]);
    for (const stage of plan.stages) expect(stage.heldOutOverlap, stage.stage).toBe(0);
    // SFT: every 1–2-digit addition except the held-out 200; GRPO: 100 steps × 32 prompts.
    expect(plan.stages[0]).toMatchObject({ rows: 9800, distinctQuestions: 9800 });
    expect(plan.stages.at(-1)?.rows).toBe(3200);
  });

  it("writes the held-out set and the digests, and is deterministic", () => {
    const out = mkdtempSync(join(tmpdir(), "boxed-demo-data-"));
    writeDemoData(out, demoPlan(1));
    const heldOut = readJsonLines<{ question: string }>(join(out, "held-out.jsonl"));
    expect(heldOut.map((problem) => problem.question)).toEqual(
      demoPlan(1).heldOut.map((problem) => problem.question),
    );
    const written = JSON.parse(readFileSync(join(out, "data.json"), "utf8"));
    expect(written.stages).toEqual(demoPlan(1).stages);
    expect(written.stages[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(demoPlan(0).stages.at(-1)?.sha256).not.toBe(demoPlan(1).stages.at(-1)?.sha256);
  });

  it("catches the old recipe's leak: by-digits SFT that excluded only its own held-out split", () => {
    // The warm start shipped before issue 13: stage 1 drew operands by digit count and excluded
    // the by-digits held-out set, so it trained on 194 of the demo's 200 (uniform) held-out problems.
    const plan = demoDataPlan({
      sftStages: [
        {
          name: "old-stage-1",
          options: {
            task: "addition",
            difficulty: 2,
            traces: false,
            operands: "by-digits",
            examples: 20000,
            seed: 0,
            heldOutCount: 200,
            steps: 400,
            batchSize: 64,
            learningRate: 3e-3,
          },
        },
      ],
      grpo: { ...demoTrainConfig("unused", "unused", 0, 1), data: { task: "addition", difficulty: 2 } },
    });
    expect(plan.stages[0].heldOutOverlap).toBe(194);
    expect(() => writeDemoData(mkdtempSync(join(tmpdir(), "boxed-demo-leak-")), plan)).toThrow(
      /held-out problems in training data: old-stage-1 194/,
    );
  });
});
