import type { Command } from "commander";

/** Every CLI command, one line each; a command is listed here only once it does real work. */
export function registerCommands(program: Command): void {
  void program;
}
