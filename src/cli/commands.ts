import type { Command } from "commander";
import { registerEngine } from "./engine.js";
import { registerEval } from "./eval.js";
import { registerGrade } from "./grade.js";
import { registerModel } from "./model.js";
import { registerScale } from "./scale.js";
import { registerServe } from "./serve.js";
import { registerTrain } from "./train.js";

/** Every CLI command, one line each; a command is listed here only once it does real work. */
export function registerCommands(program: Command): void {
  registerEngine(program);
  registerEval(program);
  registerGrade(program);
  registerModel(program);
  registerScale(program);
  registerServe(program);
  registerTrain(program);
}
