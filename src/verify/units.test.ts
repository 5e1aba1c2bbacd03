import { describe, expect, it } from "vitest";
import { readUnit, sameDimension, splitQuantity, stripUnit } from "./units.js";

describe("unit grammar", () => {
  it.each([
    ["\\text{ km/h}", 1000 / 3600],
    ["\\mathrm{~kg}", 1],
    ["\\text{ m s}^{-2}", 1],
    ["\\text{ cm}^3", 1e-6],
    ["\\text{ mol}^{-1}", 1],
    ["\\mathrm{~m} / \\mathrm{s}", 1],
    ["\\text{kcal m}^{-2} \\text{ yr}^{-1}", 4184 / 3.15576e7],
    ["\\mu\\text{m}", 1e-6],
    ["m²", 1],
    ["s⁻¹", 1],
    ["\\frac{\\text{m}}{\\text{s}}", 1],
    ["square units", 1],
    ["MeV", 1.602176634e-13],
  ])("reads %s (scale %d)", (text, scale) => {
    expect(readUnit(text)?.scale).toBeCloseTo(scale, 12);
  });

  it("reads no unit from words or variables that are not units", () => {
    for (const text of ["apples", "x", "and", "\\text{ or }", "m + 1", "kgx"])
      expect(readUnit(text)).toBeNull();
  });

  it("strips a unit only when it follows a quantity", () => {
    expect(stripUnit("42 \\text{ km/h}")).toBe("42");
    expect(stripUnit("5^{\\text{th}}\\text{ place}")).toBe("5");
    expect(stripUnit("x + 3")).toBe("x + 3");
    expect(stripUnit("\\frac{37}{4} m")).toBe("\\frac{37}{4} m");
    expect(stripUnit("5 m")).toBe("5");
    expect(stripUnit("4:30 \\text{ p.m.}")).toBe("4:30 \\text{ p.m.}");
  });

  it("tells units of one dimension from units of another", () => {
    const metre = splitQuantity("0.5 \\text{ m}")!.unit!;
    const centimetre = splitQuantity("50 \\text{ cm}")!.unit!;
    const second = splitQuantity("3 \\text{ s}")!.unit!;
    expect(sameDimension(metre, centimetre)).toBe(true);
    expect(sameDimension(metre, second)).toBe(false);
    expect(centimetre.scale / metre.scale).toBeCloseTo(0.01, 15);
  });
});
