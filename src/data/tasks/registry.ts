import { additionTask, arithmeticTask } from "./arithmetic.js";
import { countdownTask } from "./countdown.js";
import { linearEquationTask } from "./linear-equation.js";
import { logicPuzzleTask } from "./logic-puzzle.js";
import { multiplicationToolTask } from "./multiplication-tool.js";
import type { Task } from "./types.js";

/** Every synthetic task by name. */
export const TASKS: Map<string, Task> = new Map(
  [
    additionTask,
    arithmeticTask,
    countdownTask,
    linearEquationTask,
    logicPuzzleTask,
    multiplicationToolTask,
  ].map((task) => [task.name, task]),
);

/** The task registered under `name`; an unknown name throws and lists the known ones. */
export function getTask(name: string): Task {
  const task = TASKS.get(name);
  if (task === undefined) {
    throw new Error(`unknown task "${name}"; known tasks: ${[...TASKS.keys()].join(", ")}`);
  }
  return task;
}
