export { finalAnswerText, lastBoxed, lastInteger } from "./answers.js";
export {
  additionSteps,
  additionTask,
  arithmeticTask,
  createArithmeticTask,
  multiplicationSteps,
  type Operation,
  subtractionSteps,
} from "./arithmetic.js";
export { countdownTask } from "./countdown.js";
export { type EvaluatedExpression, evaluateExpression, type Rational, usesAtMostOnce } from "./expression.js";
export { linearEquationTask } from "./linear-equation.js";
export { logicPuzzleTask } from "./logic-puzzle.js";
export { createRandom, mixSeed, type Random } from "./random.js";
export { getTask, TASKS } from "./registry.js";
export type { Task, TaskOptions, TaskProblem } from "./types.js";
