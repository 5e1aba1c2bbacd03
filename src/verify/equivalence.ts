/**
 * `areEquivalent(gold, predicted)` for two already-extracted answers. Comparison strategy:
 *  1. normalize both (`normalize.ts`); identical strings are equal;
 *  2. read both into structured values (`answer-value.ts`): lists, sets, tuples, intervals, unions,
 *     matrices, relations, scalars;
 *  3. compare structurally (`compare.ts`): sets unordered, tuples ordered, intervals by endpoints and
 *     closedness, relations by sides or by their normalized difference, `x = v` against a bare v;
 *  4. scalars: exact BigInt rationals first (integers, decimals, fractions, percents, no CAS), then
 *     word answers, then the guarded CAS (`cas.ts`), and identical text as the last resort.
 */
import { parseAnswerValue } from "./answer-value.js";
import { type CompareOptions, compareValues, type Verdict } from "./compare.js";
import { normalizeAnswer, stripDelimiters } from "./normalize.js";
import type { GradeOptions } from "./types.js";
import { sameDimension, splitQuantity } from "./units.js";

/** Longest answer (characters) normalized and compared structurally; longer ones compare as raw text only. */
const MAX_ANSWER_LENGTH = 5000;

export function resolveCompareOptions(options: GradeOptions = {}, casAllowed = true): CompareOptions {
  const precision = options.precision ?? 6;
  if (!Number.isInteger(precision) || precision < 0 || precision > 15)
    throw new RangeError(`options.precision must be an integer in [0, 15], got ${precision}`);
  return {
    precision,
    strict: options.strict ?? true,
    allowSetRelationComparison: options.allowSetRelationComparison ?? false,
    degreesAsRadians: options.degreesAsRadians ?? false,
    casAllowed,
  };
}

const DEGREE_MARKER = /\^\s*\{?\s*\\circ|\\degree|°/;

/**
 * With `degreesAsRadians`, an answer in degrees on one side only also matches its radian measure:
 * `90^\circ` = `\frac{\pi}{2}` (x° = x·π/180). Without it, the degree sign is dropped (`90^\circ` = `90`).
 */
function compareAsRadians(gold: string, predicted: string, resolved: CompareOptions): Verdict {
  const goldDegrees = DEGREE_MARKER.test(gold);
  if (goldDegrees === DEGREE_MARKER.test(predicted)) return "different";
  const toRadians = (answer: string) => `\\left(${normalizeAnswer(answer)}\\right)\\cdot\\frac{\\pi}{180}`;
  const goldValue = goldDegrees ? normalizeAnswer(toRadians(gold)) : normalizeAnswer(gold);
  const predictedValue = goldDegrees ? normalizeAnswer(predicted) : normalizeAnswer(toRadians(predicted));
  return compareValues(parseAnswerValue(goldValue), parseAnswerValue(predictedValue), resolved);
}

/** A conversion factor as LaTeX the exact path reads (`2.54\times10^{-2}`). */
function factorLatex(factor: number): string {
  const [mantissa, exponent] = factor.toExponential(12).split("e");
  return `${mantissa.replace(/\.?0+$/, "")}\\times10^{${Number(exponent)}}`;
}

/**
 * Gold and answer in different units of one dimension (`0.5 m` vs `50 cm`): the answer's quantity
 * converted to the gold's unit, q_gold = q_answer · scale_answer / scale_gold.
 */
function compareInUnits(gold: string, predicted: string, resolved: CompareOptions): Verdict {
  const goldQuantity = splitQuantity(stripDelimiters(gold.trim()));
  const predictedQuantity = splitQuantity(stripDelimiters(predicted.trim()));
  const goldUnit = goldQuantity?.unit;
  const predictedUnit = predictedQuantity?.unit;
  if (!goldUnit || !predictedUnit || !sameDimension(goldUnit, predictedUnit)) return "different";
  if (goldUnit.scale === predictedUnit.scale) return "different";
  const converted = `(${normalizeAnswer(predictedQuantity.quantity)})\\cdot ${factorLatex(predictedUnit.scale / goldUnit.scale)}`;
  return compareValues(
    parseAnswerValue(normalizeAnswer(goldQuantity.quantity)),
    parseAnswerValue(normalizeAnswer(converted)),
    resolved,
  );
}

const equalIf = (condition: boolean): Verdict => (condition ? "equal" : "different");
const VERDICT_CACHE_LIMIT = 20_000;
const CACHEABLE_LENGTH = 1000;
const verdicts = new Map<string, Verdict>();

/**
 * The verdict on two extracted answers, telling "different" from "could not be read". Memoized
 * (the comparison is a pure function of its arguments; answers repeat across samples). With
 * `casAllowed` false it throws `CasDeferred` where the CAS would be needed (nothing is cached then).
 */
export function compareAnswers(
  gold: string,
  predicted: string,
  options: GradeOptions = {},
  casAllowed = true,
): Verdict {
  const resolved = resolveCompareOptions(options, casAllowed);
  if (gold.length > CACHEABLE_LENGTH || predicted.length > CACHEABLE_LENGTH)
    return compareUncached(gold, predicted, resolved);
  const key = `${Object.values(resolved).join("|")}|${gold}\u0000${predicted}`;
  const cached = verdicts.get(key);
  if (cached !== undefined) return cached;
  const verdict = compareUncached(gold, predicted, resolved);
  if (verdicts.size >= VERDICT_CACHE_LIMIT) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

function compareUncached(gold: string, predicted: string, resolved: CompareOptions): Verdict {
  if (gold.length > MAX_ANSWER_LENGTH || predicted.length > MAX_ANSWER_LENGTH)
    return equalIf(gold.trim() === predicted.trim());
  const goldNormal = normalizeAnswer(gold);
  const predictedNormal = normalizeAnswer(predicted);
  if (goldNormal === predictedNormal) return "equal";
  if (goldNormal === "" || predictedNormal === "") return "different";
  const verdict = compareValues(parseAnswerValue(goldNormal), parseAnswerValue(predictedNormal), resolved);
  if (verdict !== "equal" && compareInUnits(gold, predicted, resolved) === "equal") return "equal";
  if (verdict === "equal" || !resolved.degreesAsRadians) return verdict;
  return compareAsRadians(gold, predicted, resolved) === "equal" ? "equal" : verdict;
}

/** Whether two already-extracted answers (gold first, predicted second) are mathematically equivalent. */
export function areEquivalent(gold: string, predicted: string, options: GradeOptions = {}): boolean {
  if (typeof gold !== "string") throw new TypeError("areEquivalent: gold must be a string");
  if (typeof predicted !== "string") throw new TypeError("areEquivalent: predicted must be a string");
  return compareAnswers(gold, predicted, options) === "equal";
}
