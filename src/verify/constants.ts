/**
 * Arbitrary constants of integration (`C`, `c`, `C_1`, `c_1`, `K`) are interchangeable names: two
 * answers that name theirs differently are compared with the constants renamed to shared names, by
 * order of appearance (so `C_1 \sin t + C_2 \cos t` ≠ `C_1 \cos t + C_2 \sin t`: the names say which is which). Pure.
 */

const CONSTANT = /(?<![a-zA-Z\\])([cCK])(?:_\{?(\d)\}?)?(?![{_])/g;

function constantNames(latex: string): string[] {
  return [...new Set([...latex.matchAll(CONSTANT)].map((match) => match[0]))];
}

function rename(latex: string, names: string[]): string {
  return latex.replace(CONSTANT, (match) => {
    const index = names.indexOf(match);
    return index < 0 ? match : `\\kappa_{${index + 1}}`;
  });
}

/**
 * When both name the same number of constants under different names, the pair with the constants
 * of each renamed by order of appearance, then the pair itself; else the pair itself.
 */
export function constantRenamings(gold: string, predicted: string): [string, string][] {
  const pairs: [string, string][] = [[gold, predicted]];
  const goldNames = constantNames(gold);
  const predictedNames = constantNames(predicted);
  if (goldNames.length === 0 || goldNames.length !== predictedNames.length) return pairs;
  if (goldNames.join() === predictedNames.join()) return pairs;
  // Renamed first: the pair as written has different variables, which only the CAS can compare.
  pairs.unshift([rename(gold, goldNames), rename(predicted, predictedNames)]);
  return pairs;
}
