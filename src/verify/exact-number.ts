/**
 * The fast exact path: integers, decimals, fractions and percents as BigInt rationals, compared
 * without the CAS. Exact comparison first is what keeps `1000000!`-sized integers and near-equal
 * rationals from being called equal by a floating-point tolerance.
 */

/** numerator / denominator, denominator > 0, not necessarily reduced. */
export interface Rational {
  numerator: bigint;
  denominator: bigint;
  /** True when written with a decimal point (its value may be a rounding of the intended one). */
  inexact: boolean;
  /** True when the answer carried a percent sign; the value is the bare number (28 for `28\%`). */
  percent: boolean;
}

/** Longest digit string accepted on the fast path; longer numbers go to the guarded comparison. */
const MAX_DIGITS = 400;

/** sign, integer digits, fraction digits, and a power of ten written `e-3` or `\times 10^{-3}`. */
const DECIMAL =
  /^([+-])?(\d*)(?:\.(\d+))?(?:[eE]([+-]?\d{1,4})|(?:\\times|\\cdot)10\^\{?([+-]?\d{1,4})\}?)?$/;

function parseDecimal(text: string): Rational | null {
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === "" && match[3] === undefined)) return null;
  if (text.length > MAX_DIGITS) return null;
  const fraction = match[3] ?? "";
  const sign = match[1] === "-" ? -1n : 1n;
  const exponent = Number(match[4] ?? match[5] ?? 0) - fraction.length;
  const scale = 10n ** BigInt(Math.abs(exponent));
  const digits = sign * BigInt((match[2] || "0") + fraction);
  return {
    numerator: exponent >= 0 ? digits * scale : digits,
    denominator: exponent >= 0 ? 1n : scale,
    inexact: fraction.length > 0,
    percent: false,
  };
}

const MIXED_NUMBER = /^([+-])?(\d{1,12})\\frac\{(\d{1,12})\}\{(\d{1,12})\}$/;
const LATEX_FRACTION = /^([+-])?\\frac\{([^{}]+)\}\{([^{}]+)\}$/;

/**
 * Parses `-3`, `0.25`, `.4`, `1.5e-3`, `6.02\times10^{23}`, `3/4`, `\frac{3}{4}`, `-\frac{3}{4}`,
 * `1\frac{1}{4}`, `28\%`; anything else is null.
 */
export function parseExactNumber(text: string): Rational | null {
  let body = text.replace(/\s+/g, "");
  let percent = false;
  if (body.endsWith("\\%")) {
    percent = true;
    body = body.slice(0, -2);
  }
  let result: Rational | null = null;
  const mixed = MIXED_NUMBER.exec(body);
  const latex = LATEX_FRACTION.exec(body);
  if (mixed) {
    // A mixed number `12\frac{3}{5}` is 12 + 3/5 (the MATH convention), not 12 · 3/5.
    const whole = BigInt(mixed[2]);
    const numerator = BigInt(mixed[3]);
    const denominator = BigInt(mixed[4]);
    if (denominator === 0n) return null;
    const sign = mixed[1] === "-" ? -1n : 1n;
    result = {
      numerator: sign * (whole * denominator + numerator),
      denominator,
      inexact: false,
      percent: false,
    };
  } else if (latex) result = divide(parseDecimal(latex[2]), parseDecimal(latex[3]), latex[1] === "-");
  else if (/^[+-]?[\d.]+\/[+-]?[\d.]+$/.test(body)) {
    const [top, bottom] = body.split("/");
    result = divide(parseDecimal(top), parseDecimal(bottom), false);
  } else result = parseDecimal(body);
  return result ? { ...result, percent } : null;
}

function divide(top: Rational | null, bottom: Rational | null, negate: boolean): Rational | null {
  if (!top || !bottom || bottom.numerator === 0n) return null;
  let numerator = top.numerator * bottom.denominator * (negate ? -1n : 1n);
  let denominator = top.denominator * bottom.numerator;
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  return {
    numerator,
    denominator,
    inexact: top.inexact || bottom.inexact,
    percent: false,
  };
}

/** Exact equality of two rationals by cross-multiplication. */
export function rationalsEqual(first: Rational, second: Rational): boolean {
  return first.numerator * second.denominator === second.numerator * first.denominator;
}

export function rationalToNumber(value: Rational): number {
  return Number(value.numerator) / Number(value.denominator);
}

/** value / 100, for reading `28\%` as `0.28`. */
export function fromPercent(value: Rational): Rational {
  return { ...value, denominator: value.denominator * 100n, percent: false };
}

/** Slack for the last bit of a double at the boundary: `1/3` vs `0.333333` differ by exactly 10^-6 relative. */
const ROUNDING_SLACK = 1 + 1e-9;

/**
 * Float comparison to `precision` significant digits: |a − b| ≤ 10^-precision · max(|a|, |b|).
 * Purely relative, so small magnitudes keep their significant figures (`4.1e-9` ≠ `4.1e-8`, where
 * the absolute floor max(1, |b|) of Math-Verify's `float_rounding` would call every pair below
 * 10^-6 equal); 1/12 vs 0.0833333333 still agree.
 */
export function closeEnough(first: number, second: number, precision: number): boolean {
  if (!Number.isFinite(first) || !Number.isFinite(second)) return first === second;
  return withinRelative(Math.abs(first - second), Math.max(Math.abs(first), Math.abs(second)), precision);
}

/** distance ≤ 10^-precision · scale (with the rounding slack). */
export function withinRelative(distance: number, scale: number, precision: number): boolean {
  return distance <= 10 ** -precision * scale * ROUNDING_SLACK;
}

/**
 * Equality of two numbers written on the fast path. Two integers or two exact fractions compare
 * exactly; when either was written as a decimal, they compare with the relative tolerance.
 * A percent on one side only accepts either reading (`198\%` vs `198`, `10\%` vs `0.1`).
 */
export function numbersEqual(gold: Rational, predicted: Rational, precision: number): boolean {
  const readings = (value: Rational) => (value.percent ? [value, fromPercent(value)] : [value]);
  for (const first of readings(gold)) {
    for (const second of readings(predicted)) {
      if (rationalsEqual(first, second)) return true;
      if (
        (first.inexact || second.inexact) &&
        closeEnough(rationalToNumber(second), rationalToNumber(first), precision)
      )
        return true;
    }
  }
  return false;
}
