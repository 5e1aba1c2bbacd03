import type { Command } from "commander";
import { exportCheckpoint } from "../rl/train/export-checkpoint.js";

/** `boxed export CHECKPOINT --out DIR`: a training checkpoint as a HF model directory. */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description(
      "Write a training checkpoint (a run directory's latest, or checkpoints/step-N) as a HF model directory.",
    )
    .argument("<checkpoint>", "run directory (its latest checkpoint) or a checkpoints/step-N directory")
    .requiredOption("-o, --out <dir>", "output model directory (usable as boxed eval --engine-model DIR)")
    .action(async (checkpoint: string, flags: { out: string }) => {
      const result = await exportCheckpoint({ checkpoint, out: flags.out });
      process.stderr.write(`exported step ${result.step} (trained from ${result.model}) to ${result.out}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
