import { describe, expect, it } from "vitest";
import { scheduleValue } from "./schedules.js";

describe("schedules (hand-checked)", () => {
  it("constant and linear (with warm-up)", () => {
    expect(scheduleValue(7, { schedule: "constant", value: 0.3 })).toBe(0.3);
    const linear = { schedule: "linear", start: 1, end: 0, totalSteps: 10 };
    expect([0, 5, 10, 20].map((step) => scheduleValue(step, linear))).toEqual([1, 0.5, 0, 0]);
    const warm = { schedule: "linear", start: 1, end: 1, totalSteps: 10, warmupSteps: 4 };
    expect([0, 1, 3, 4].map((step) => scheduleValue(step, warm))).toEqual([0.25, 0.5, 1, 1]);
  });
  it("cosine: start, midpoint, end", () => {
    const cosine = { schedule: "cosine", start: 2, end: 0, totalSteps: 10 };
    expect(scheduleValue(0, cosine)).toBeCloseTo(2, 12);
    expect(scheduleValue(5, cosine)).toBeCloseTo(1, 12);
    expect(scheduleValue(10, cosine)).toBeCloseTo(0, 12);
  });
  it("stages and siri (length schedules)", () => {
    const staged = { schedule: "stages", boundaries: [100, 200], values: [8192, 16384, 24576] };
    expect([0, 99, 100, 250].map((step) => scheduleValue(step, staged))).toEqual([8192, 8192, 16384, 24576]);
    const siri = { schedule: "siri", shortLength: 8, longLength: 16, period: 2 };
    expect([0, 1, 2, 3, 4].map((step) => scheduleValue(step, siri))).toEqual([8, 8, 16, 16, 8]);
    expect(scheduleValue(0, { ...siri, startWith: "expand" })).toBe(16);
  });
  it("names bad input", () => {
    expect(() => scheduleValue(-1, { schedule: "constant" })).toThrow(/step/);
    expect(() => scheduleValue(0, { schedule: "nope" })).toThrow(/options.schedule.*cosine/);
    expect(() => scheduleValue(0, { schedule: "stages", boundaries: [1], values: [1] })).toThrow(
      /options.values/,
    );
    expect(() => scheduleValue(0, { schedule: "linear", totalSteps: Number.NaN })).toThrow(
      /options.totalSteps/,
    );
  });
});
