import type { Command } from "commander";
import { initModel } from "../engine/index.js";

function integer(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new Error(`${name} must be an integer, got "${value}"`);
    return parsed;
  };
}

/** `boxed model init --out DIR --preset tiny [--seed S]`: a randomly initialised HF model for tests and demos. */
export function registerModel(program: Command): void {
  const model = program.command("model").description("Create and inspect local models.");
  model
    .command("init")
    .description("Write a randomly initialised small model (HF format, with tokenizer and chat template).")
    .requiredOption("--out <dir>", "output directory")
    .option("--preset <name>", "size preset known to the engine", "tiny")
    .option("--seed <n>", "initialisation seed", integer("--seed"), 0)
    .action(async (options: { out: string; preset: string; seed: number }) => {
      process.stderr.write(
        `initialising ${options.preset} model (seed ${options.seed}) in ${options.out}...\n`,
      );
      const { out } = await initModel(options);
      process.stdout.write(`${out}\n`);
    });
}
