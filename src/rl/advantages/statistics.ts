/** Small statistics used by the estimators. Conventions follow verl: the std is the unbiased sample std. */

/** Arithmetic mean; 0 for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Unbiased sample standard deviation sqrt(Σ (x − x̄)² / (n − 1)), as `torch.std` (verl's group std).
 * 0 for fewer than two values.
 */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const center = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - center) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** Every value of a matrix in one list (row order). */
export function flatten(rows: readonly (readonly number[])[]): number[] {
  const values: number[] = [];
  for (const row of rows) for (const value of row) values.push(value);
  return values;
}
