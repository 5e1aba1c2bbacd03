/**
 * Writes the prompts of the first 20 steps of the demo's GRPO run (addition, difficulty 2, seed 0,
 * 32 prompts per step) as JSONL {prompt, answer}, so TRL trains on exactly boxed's data.
 * Usage: npx tsx bench/trl/prompts.ts > /tmp/prompts.jsonl
 */
import { createProblemSource } from "../../src/rl/train/problems.js";

const source = createProblemSource({
  task: "addition",
  seed: 0,
  heldOutSeed: 0,
  heldOutCount: 200,
  difficulty: 2,
});
for (let step = 1; step <= 20; step++) {
  for (const problem of source.batch(step, 32)) {
    process.stdout.write(`${JSON.stringify({ prompt: problem.question, answer: problem.answer })}\n`);
  }
}
