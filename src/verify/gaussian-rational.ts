/** Exact arithmetic in Q(i): a + b·i with a, b BigInt fractions [numerator, denominator > 0], reduced. Pure. */

export type Fraction = [bigint, bigint];
export interface Complex {
  re: Fraction;
  im: Fraction;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function reduce(numerator: bigint, denominator: bigint): Fraction {
  if (denominator < 0n) [numerator, denominator] = [-numerator, -denominator];
  if (numerator === 0n) return [0n, 1n];
  const divisor = gcd(numerator, denominator);
  return divisor === 1n ? [numerator, denominator] : [numerator / divisor, denominator / divisor];
}

const add = (a: Fraction, b: Fraction): Fraction =>
  a[1] === b[1] ? reduce(a[0] + b[0], a[1]) : reduce(a[0] * b[1] + b[0] * a[1], a[1] * b[1]);
const times = (a: Fraction, b: Fraction): Fraction => reduce(a[0] * b[0], a[1] * b[1]);
const negate = (a: Fraction): Fraction => [-a[0], a[1]];
const ZERO: Fraction = [0n, 1n];

export function complex(re: Fraction, im: Fraction = ZERO): Complex {
  return { re: reduce(re[0], re[1]), im: reduce(im[0], im[1]) };
}

export function isZero(value: Complex): boolean {
  return value.re[0] === 0n && value.im[0] === 0n;
}

/** a + b, or a − b when `subtract`. */
export function sum(a: Complex, b: Complex, subtract = false): Complex {
  const re = subtract ? negate(b.re) : b.re;
  const im = subtract ? negate(b.im) : b.im;
  return { re: add(a.re, re), im: add(a.im, im) };
}

/** (a + bi)(c + di) = (ac − bd) + (ad + bc)i. */
export function multiply(a: Complex, b: Complex): Complex {
  if (a.im[0] === 0n && b.im[0] === 0n) return { re: times(a.re, b.re), im: ZERO };
  return {
    re: add(times(a.re, b.re), negate(times(a.im, b.im))),
    im: add(times(a.re, b.im), times(a.im, b.re)),
  };
}

/** a / b = a · conj(b) / |b|²; b must be nonzero. */
export function divide(a: Complex, b: Complex): Complex {
  if (b.im[0] === 0n) {
    const inverse: Fraction = reduce(b.re[1], b.re[0]);
    return { re: times(a.re, inverse), im: times(a.im, inverse) };
  }
  const norm = add(times(b.re, b.re), times(b.im, b.im));
  const inverse: Fraction = reduce(norm[1], norm[0]);
  const conjugate = { re: times(b.re, inverse), im: negate(times(b.im, inverse)) };
  return multiply(a, conjugate);
}

/** a^n for an integer n (square-and-multiply); a must be nonzero when n < 0. */
export function power(base: Complex, exponent: number): Complex {
  let result = complex([1n, 1n]);
  let factor = exponent < 0 ? divide(complex([1n, 1n]), base) : base;
  for (let remaining = Math.abs(exponent); remaining > 0; remaining >>= 1) {
    if (remaining & 1) result = multiply(result, factor);
    if (remaining > 1) factor = multiply(factor, factor);
  }
  return result;
}

export function toNumber(value: Complex): [number, number] {
  const real = (fraction: Fraction) => Number(fraction[0]) / Number(fraction[1]);
  return [real(value.re), real(value.im)];
}
