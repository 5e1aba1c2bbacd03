import { finalAnswerText } from "./answers.js";
import { createRandom, mixSeed, type Random } from "./random.js";
import {
  checkTaskOptions,
  distinctProblems,
  type Task,
  type TaskOptions,
  type TaskProblem,
} from "./types.js";

const PEOPLE = ["Ann", "Bob", "Cid", "Dee", "Eve", "Fay", "Gus", "Hal"];
const PLACES = ["hall", "park", "shop", "lab", "farm", "pool", "bank", "zoo"];

/** The puzzle's knobs, after defaults: CogniLoad's N (length), ρ (distractor density), d (intrinsic). */
interface PuzzleShape {
  /** Number of update statements after the initial positions (N = 2 + 2·difficulty). */
  statements: number;
  /** Probability that a statement concerns someone other than the target (ρ). */
  distractors: number;
  /** Whether group moves ("everyone in the X goes to the Y") appear (difficulty ≥ 2). */
  groupMoves: boolean;
  people: number;
}

function shapeOf(difficulty: number, distractors: number): PuzzleShape {
  return {
    statements: 2 + 2 * difficulty,
    distractors,
    groupMoves: difficulty >= 2,
    people: Math.min(PEOPLE.length, 2 + Math.ceil(difficulty / 2)),
  };
}

/** One statement and its effect on every person's place. */
function nextStatement(
  random: Random,
  shape: PuzzleShape,
  places: Map<string, string>,
  target: string,
): { text: string; concernsTarget: boolean } {
  const others = [...places.keys()].filter((person) => person !== target);
  const distractor = others.length > 0 && random.next() < shape.distractors;
  const person = distractor ? random.pick(others) : target;
  const destination = random.pick(PLACES.filter((place) => place !== places.get(person)));
  if (shape.groupMoves && random.next() < 0.3) {
    const source = places.get(person)!;
    for (const [name, place] of places) if (place === source) places.set(name, destination);
    return { text: `Everyone in the ${source} goes to the ${destination}.`, concernsTarget: !distractor };
  }
  places.set(person, destination);
  return { text: `${person} goes to the ${destination}.`, concernsTarget: person === target };
}

function makeProblem(random: Random, difficulty: number, distractors: number, steps: boolean): TaskProblem {
  const shape = shapeOf(difficulty, distractors);
  const people = random.shuffle(PEOPLE).slice(0, shape.people);
  const target = random.pick(people);
  const places = new Map(people.map((person) => [person, random.pick(PLACES)]));
  const lines = people.map((person) => `${person} is in the ${places.get(person)}.`);
  const track = [`${target}: ${places.get(target)}`];
  for (let index = 0; index < shape.statements; index++) {
    const before = places.get(target);
    const statement = nextStatement(random, shape, places, target);
    lines.push(statement.text);
    if (statement.concernsTarget || places.get(target) !== before)
      track.push(`${target}: ${places.get(target)}`);
  }
  const answer = places.get(target)!;
  const trace = steps ? [...track, `answer: ${answer}`].join("\n") : answer;
  return {
    id: "",
    benchmark: "logic-puzzle",
    question: `${lines.join(" ")} Where is ${target}?`,
    answer,
    meta: { task: "logic-puzzle", difficulty, trace, target, distractors },
  };
}

/**
 * A state-tracking logic puzzle in the spirit of CogniLoad (Kaiser et al. 2025, arXiv:2509.18458):
 * people move between places, some statements move whole groups, and the question asks where one
 * person ends. Length N = 2 + 2·difficulty statements, distractor density ρ = `distractors`
 * (statements about other people), intrinsic load from group moves (difficulty ≥ 2) and more people.
 */
export const logicPuzzleTask: Task = {
  name: "logic-puzzle",
  description:
    "track where one person ends after 2+2·difficulty moves with a tunable distractor density (default 2)",
  defaultDifficulty: 2,
  generate(options: TaskOptions): TaskProblem[] {
    const difficulty = checkTaskOptions("logic-puzzle", options, 2);
    const distractors = options.distractors ?? 0.5;
    if (!(distractors >= 0 && distractors < 1)) {
      throw new Error(`logic-puzzle: distractors must be in [0, 1), got ${options.distractors}`);
    }
    const random = createRandom(mixSeed(options.seed, difficulty, Math.round(distractors * 1000), 404));
    const problems = distinctProblems(options.count, () =>
      makeProblem(random, difficulty, distractors, options.steps ?? true),
    );
    return problems.map((problem, index) => ({ ...problem, id: `logic-puzzle-${options.seed}-${index}` }));
  },
  verify(problem, response) {
    const text = finalAnswerText(response);
    if (text === null) return false;
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    return words.length > 0 && words[words.length - 1] === problem.answer.toLowerCase();
  },
};
