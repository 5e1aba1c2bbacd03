#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerCommands } from "./commands.js";

/** Entry point of the `boxed` CLI: one file per command under src/cli, wired in commands.ts. */
export function buildProgram(): Command {
  const program = new Command("boxed")
    .description("Grade, evaluate, scale at test time and train reasoning models with verifiable rewards.")
    .version(VERSION, "-v, --version")
    .showHelpAfterError();
  registerCommands(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`boxed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
