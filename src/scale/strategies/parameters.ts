/** Reading `key=value` strategy parameters with checks that name the parameter and the problem. */

export type Parameters = Readonly<Record<string, string>>;

/** Throws when a parameter is not one of `known` (a typo must not silently fall back to a default). */
export function checkKnown(strategy: string, parameters: Parameters, known: readonly string[]): void {
  for (const key of Object.keys(parameters)) {
    if (!known.includes(key)) {
      throw new Error(`${strategy}: unknown parameter "${key}" (known: ${known.join(", ") || "none"})`);
    }
  }
}

/** A number parameter within [min, max], or the default when absent. */
export function numberParameter(
  parameters: Parameters,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = parameters[key];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`parameter ${key}: must be a number in [${min}, ${max}], got "${text}"`);
  }
  return value;
}

/** A string parameter among `choices`, or the default. */
export function choiceParameter(
  parameters: Parameters,
  key: string,
  fallback: string,
  choices: readonly string[],
): string {
  const value = parameters[key] ?? fallback;
  if (!choices.includes(value))
    throw new Error(`parameter ${key}: must be one of ${choices.join(", ")}, got "${value}"`);
  return value;
}

/** Canonical name: `name@budget` then the given parameters in the order written, e.g. `esc@8,window=4`. */
export function canonicalName(name: string, budget: number, parameters: Parameters): string {
  const suffix = Object.entries(parameters).map(([key, value]) => `,${key}=${value}`);
  return `${name}@${budget}${suffix.join("")}`;
}
