import type { Command } from "commander";
import { registerDemo } from "./demo.js";
import { registerEngine } from "./engine.js";
import { registerEval } from "./eval.js";
import { registerExport } from "./export.js";
import { registerGrade } from "./grade.js";
import { registerModel } from "./model.js";
import { registerSandbox } from "./sandbox.js";
import { registerScale } from "./scale.js";
import { registerServe } from "./serve.js";
import { registerSft } from "./sft.js";
import { registerTrain } from "./train.js";

/** Every CLI command, one line each; a command is listed here only once it does real work. */
export function registerCommands(program: Command): void {
  registerDemo(program);
  registerEngine(program);
  registerEval(program);
  registerExport(program);
  registerGrade(program);
  registerModel(program);
  registerSandbox(program);
  registerSft(program);
  registerScale(program);
  registerServe(program);
  registerTrain(program);
}
