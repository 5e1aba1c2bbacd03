/**
 * A tiny exact evaluator for Countdown answers: integers, + − × ÷ and parentheses, evaluated over
 * rationals (numerator/denominator as bigint) so that 7/2*2 is exactly 7. Never uses `eval`.
 * Grammar: expr := term (("+"|"-") term)* ; term := factor (("*"|"/") factor)* ;
 *          factor := integer | "(" expr ")".
 */
export interface Rational {
  numerator: bigint;
  denominator: bigint;
}

export interface EvaluatedExpression {
  value: Rational;
  /** The integer literals in the order they appear (for the "each number at most once" check). */
  numbers: number[];
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function rational(numerator: bigint, denominator: bigint): Rational {
  if (denominator === 0n) throw new Error("division by zero");
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator);
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

function combine(left: Rational, operator: string, right: Rational): Rational {
  const { numerator: a, denominator: b } = left;
  const { numerator: c, denominator: d } = right;
  if (operator === "+") return rational(a * d + c * b, b * d);
  if (operator === "-") return rational(a * d - c * b, b * d);
  if (operator === "*") return rational(a * c, b * d);
  return rational(a * d, b * c);
}

function tokenize(text: string): string[] | null {
  const normalized = text.replace(/×/g, "*").replace(/÷/g, "/").replace(/−/g, "-");
  const tokens = normalized.match(/\d+|[-+*/()]|\S/g) ?? [];
  return tokens.every((token) => /^(\d+|[-+*/()])$/.test(token)) ? tokens : null;
}

/** Evaluates an expression; null when it does not parse or divides by zero. */
export function evaluateExpression(text: string): EvaluatedExpression | null {
  const tokens = tokenize(text);
  if (tokens === null || tokens.length === 0) return null;
  const numbers: number[] = [];
  let position = 0;
  const factor = (): Rational => {
    const token = tokens[position++];
    if (token === "(") {
      const inner = expression();
      if (tokens[position++] !== ")") throw new Error("missing )");
      return inner;
    }
    if (token === undefined || !/^\d+$/.test(token)) throw new Error(`unexpected ${token}`);
    numbers.push(Number(token));
    return rational(BigInt(token), 1n);
  };
  const term = (): Rational => {
    let value = factor();
    while (tokens[position] === "*" || tokens[position] === "/") {
      const operator = tokens[position++];
      value = combine(value, operator, factor());
    }
    return value;
  };
  const expression = (): Rational => {
    let value = term();
    while (tokens[position] === "+" || tokens[position] === "-") {
      const operator = tokens[position++];
      value = combine(value, operator, term());
    }
    return value;
  };
  try {
    const value = expression();
    return position === tokens.length ? { value, numbers } : null;
  } catch {
    return null;
  }
}

/** True when `used` is a sub-multiset of `available` (each available number used at most once). */
export function usesAtMostOnce(used: readonly number[], available: readonly number[]): boolean {
  const counts = new Map<number, number>();
  for (const number of available) counts.set(number, (counts.get(number) ?? 0) + 1);
  for (const number of used) {
    const left = counts.get(number) ?? 0;
    if (left === 0) return false;
    counts.set(number, left - 1);
  }
  return true;
}
