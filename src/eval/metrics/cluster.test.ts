import { describe, expect, it } from "vitest";
import { clusterAnswers } from "./cluster.js";

const numeric = (a: string, b: string) => Number(a) === Number(b);

describe("clusterAnswers", () => {
  it("groups equivalent answers, numbering clusters by first appearance", () => {
    expect(clusterAnswers(["2", "3", "2.0", "x", "3"], numeric)).toEqual([0, 1, 0, 2, 1]);
  });

  it("leaves missing answers out of every cluster", () => {
    expect(clusterAnswers([null, "1", null], numeric)).toEqual([-1, 0, -1]);
  });

  it("does not call the equivalence for identical strings", () => {
    let calls = 0;
    const counting = (a: string, b: string) => {
      calls++;
      return a === b;
    };
    clusterAnswers(["a", "a", "a", "b"], counting);
    expect(calls).toBe(1);
  });
});
