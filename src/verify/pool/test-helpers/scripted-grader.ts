/**
 * A deterministic stand-in for the verifier, for the pool's tests: the response says what to do.
 * - `spin` / `spin:MS`: busy-loops forever / for MS milliseconds (a runaway computation);
 * - `throw`: throws (a bug in the grader); `exit`: ends the worker thread (a crash);
 * - `allocate`: grows the heap without bound (out of memory);
 * - `print`: writes to stdout, then grades normally;
 * - anything else: correct when response === gold.
 */
import type { Grade, GradeOptions } from "../../types.js";

function spin(milliseconds: number): void {
  const until = Date.now() + milliseconds;
  while (Date.now() < until) {
    // busy: nothing yields, only terminating the thread stops it
  }
}

export function scriptedGrade(gold: string, response: string, options?: GradeOptions): Grade {
  void options;
  const started = Date.now();
  if (response === "spin") spin(Number.POSITIVE_INFINITY);
  if (response.startsWith("spin:")) spin(Number(response.slice(5)));
  if (response === "throw") throw new Error("scripted failure");
  if (response === "exit") process.exit(3);
  if (response === "allocate") {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
  }
  if (response === "print") console.log("scripted grader output");
  const correct = response === gold || response === "print";
  return {
    correct,
    reason: correct ? "equivalent" : "not_equivalent",
    predicted: response,
    gold,
    ruleFired: "scripted",
    ms: Date.now() - started,
  };
}

/** A module export that is not a function, to test the pool's start-up failure. */
export const notAFunction = 42;
