import type { Command } from "commander";
import { runDemo } from "../rl/train/demo.js";
import { createLiveView } from "../rl/train/live-view.js";

/** `boxed demo [--out DIR] [--minutes M] [--seed S] [--fresh]`: GRPO on the tiny model, before/after. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "Train the tiny model with GRPO on held-out addition and show pass@k before and after (CPU, offline).",
    )
    .option("-o, --out <dir>", "run directory (default: runs/demo/<date-time>)")
    .option(
      "--minutes <x>",
      "wall-time budget of the GRPO stage (the whole demo then stays under 10 minutes)",
      "8",
    )
    .option("--seed <n>", "seed of data order and sampling", "0")
    .option("--fresh", "rebuild the warm-started model with boxed sft instead of the shipped one")
    .action(async (flags: { out?: string; minutes: string; seed: string; fresh?: boolean }) => {
      const minutes = Number(flags.minutes);
      if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got "${flags.minutes}"`);
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${flags.seed}"`);
      const out = flags.out ?? `runs/demo/${new Date().toISOString().replace(/[:.]/g, "-")}`;
      const summary = await runDemo({
        out,
        seed,
        minutes,
        fresh: flags.fresh,
        view: createLiveView(),
      });
      process.stdout.write(
        `${JSON.stringify({ before: summary.before?.passAtK, after: summary.after?.passAtK, steps: summary.steps, seconds: summary.seconds })}\n`,
      );
    });
}
