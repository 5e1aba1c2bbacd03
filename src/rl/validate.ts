/**
 * Input checks shared by the RL algorithms. Every error names the argument and the problem, so that a
 * bad batch fails loudly instead of returning NaN.
 */

/** Throws unless `value` is a finite number; `name` is how the caller refers to it. */
export function assertFiniteNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${name} must be a finite number, got ${String(value)}`);
  }
}

/** Throws unless `value` is an array of finite numbers. */
export function assertVector(name: string, value: unknown): asserts value is number[] {
  if (!Array.isArray(value)) throw new Error(`${name} must be an array of numbers, got ${typeof value}`);
  for (let index = 0; index < value.length; index++) {
    const entry = value[index];
    if (typeof entry !== "number" || !Number.isFinite(entry)) {
      throw new Error(`${name}[${index}] must be a finite number, got ${String(entry)}`);
    }
  }
}

/** Throws unless `value` is an array of arrays of finite numbers (rows may differ in length). */
export function assertMatrix(name: string, value: unknown): asserts value is number[][] {
  if (!Array.isArray(value)) throw new Error(`${name} must be an array of arrays, got ${typeof value}`);
  for (let row = 0; row < value.length; row++) {
    if (!Array.isArray(value[row]))
      throw new Error(`${name}[${row}] must be an array, got ${typeof value[row]}`);
    assertVector(`${name}[${row}]`, value[row]);
  }
}

/** Throws unless `value` has exactly the shape of `reference` (same rows, same length per row). */
export function assertSameShape(
  name: string,
  value: number[][],
  referenceName: string,
  reference: number[][],
): void {
  if (value.length !== reference.length) {
    throw new Error(`${name} has ${value.length} rows but ${referenceName} has ${reference.length}`);
  }
  for (let row = 0; row < value.length; row++) {
    if (value[row].length !== reference[row].length) {
      throw new Error(
        `${name}[${row}] has length ${value[row].length} but ${referenceName}[${row}] has length ${reference[row].length} (ragged or mismatched)`,
      );
    }
  }
}

/** Throws unless every entry of the mask is 0 or 1. */
export function assertBinaryMask(name: string, mask: number[][]): void {
  for (let row = 0; row < mask.length; row++) {
    for (let column = 0; column < mask[row].length; column++) {
      const entry = mask[row][column];
      if (entry !== 0 && entry !== 1)
        throw new Error(`${name}[${row}][${column}] must be 0 or 1, got ${entry}`);
    }
  }
}

/** Reads an optional numeric option, checking that it is finite and inside [minimum, maximum]. */
export function numberOption(
  options: Record<string, unknown>,
  key: string,
  fallback: number,
  minimum = Number.NEGATIVE_INFINITY,
  maximum = Number.POSITIVE_INFINITY,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  assertFiniteNumber(`options.${key}`, value);
  if (value < minimum || value > maximum) {
    throw new Error(`options.${key} must be in [${minimum}, ${maximum}], got ${value}`);
  }
  return value;
}

/** Looks a name up in a registry; an unknown name throws an error listing the known ones. */
export function lookup<T>(registry: Map<string, T>, kind: string, name: unknown): T {
  if (typeof name !== "string") throw new Error(`${kind} must be a string, got ${typeof name}`);
  const found = registry.get(name);
  if (found === undefined) {
    throw new Error(`unknown ${kind} "${name}"; known: ${[...registry.keys()].join(", ")}`);
  }
  return found;
}
