import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Problem } from "../../data/types.js";
import { parseTrainConfig, type TrainConfigInput } from "./config.js";
import { configProblemSource } from "./problems.js";
import { writeFileAtomic } from "./run-files.js";
import type { SupervisedExample } from "./sft.js";
import { sftData } from "./sft-run.js";

/** What one training stage of the demo learned from, as a digest (the data is regenerated, not stored). */
export interface StageDigest {
  stage: string;
  /** Training rows in order (SFT examples, or GRPO prompts over the planned steps). */
  rows: number;
  distinctQuestions: number;
  /** sha256 of the rows as JSON lines, in training order. */
  sha256: string;
  /** How many held-out questions the stage contains; the demo refuses to run unless 0. */
  heldOutOverlap: number;
}

export interface DemoDataPlan {
  heldOut: Problem[];
  stages: StageDigest[];
}

function digest(stage: string, rows: unknown[], questions: string[], heldOut: Set<string>): StageDigest {
  const hash = createHash("sha256");
  for (const row of rows) hash.update(`${JSON.stringify(row)}\n`);
  const distinct = new Set(questions);
  return {
    stage,
    rows: rows.length,
    distinctQuestions: distinct.size,
    sha256: hash.digest("hex"),
    heldOutOverlap: [...heldOut].filter((question) => distinct.has(question)).length,
  };
}

/**
 * The demo's held-out set and a digest of each stage's data, regenerated from the same functions
 * the stages train with (`sftData` for `boxed sft`, the config's problem source for GRPO). The
 * held-out set is the one GRPO's evaluation uses; a question counts as seen when its text is in a
 * stage (the synthetic tasks render each operand pair one way, so text equality is problem equality).
 */
export function demoDataPlan(options: {
  sftStages: { name: string; options: Parameters<typeof sftData>[0] }[];
  grpo: TrainConfigInput;
}): DemoDataPlan {
  const config = parseTrainConfig(options.grpo);
  const source = configProblemSource(config);
  const heldOut = new Set(source.heldOut.map((problem) => problem.question));
  const stages = options.sftStages.map(({ name, options: stage }) => {
    const { examples } = sftData(stage);
    return digest(
      name,
      examples,
      examples.map((example: SupervisedExample) => example.prompt),
      heldOut,
    );
  });
  const prompts = Array.from({ length: config.steps }, (_, index) =>
    source.batch(index + 1, config.promptsPerStep).map((problem) => problem.question),
  ).flat();
  stages.push(digest("grpo", prompts, prompts, heldOut));
  return { heldOut: source.heldOut, stages };
}

/**
 * Writes `<out>/held-out.jsonl` (the evaluation problems) and `<out>/data.json` (each stage's
 * digest), and throws when any stage contains a held-out problem.
 */
export function writeDemoData(out: string, plan: DemoDataPlan): void {
  mkdirSync(out, { recursive: true });
  writeFileAtomic(
    join(out, "held-out.jsonl"),
    plan.heldOut.map((problem) => `${JSON.stringify(problem)}\n`).join(""),
  );
  writeFileAtomic(join(out, "data.json"), `${JSON.stringify({ stages: plan.stages }, null, 2)}\n`);
  const seen = plan.stages.filter((stage) => stage.heldOutOverlap > 0);
  if (seen.length > 0) {
    throw new Error(
      `demo: held-out problems in training data: ${seen.map((stage) => `${stage.stage} ${stage.heldOutOverlap}`).join(", ")}`,
    );
  }
}
