/**
 * Comparison of two structured answers (gold first, predicted second). Pure; returns a verdict so
 * the caller can tell "not equal" from "could not be read".
 */
import { type AnswerValue, isLabel, parseAnswerValue, relationAsInterval } from "./answer-value.js";
import { compareWithCas } from "./cas.js";
import { constantRenamings } from "./constants.js";
import { numbersEqual, parseExactNumber } from "./exact-number.js";
import { floatEqual } from "./float-eval.js";
import { casRefusal } from "./guard.js";
import { rationalEqual, rationalProportional } from "./rational-eval.js";

export interface CompareOptions {
  precision: number;
  strict: boolean;
  allowSetRelationComparison: boolean;
  /** An answer in degrees on one side also matches its radian measure (see `equivalence.ts`). */
  degreesAsRadians: boolean;
  /** Whether the CAS may run; when false, a comparison that needs it throws `CasDeferred`. */
  casAllowed: boolean;
}

/** Thrown when a comparison needs the CAS while `casAllowed` is false: the grade must run in the pool. */
export class CasDeferred extends Error {
  constructor() {
    super("this comparison needs the CAS");
  }
}

export type Verdict = "equal" | "different" | "unparseable";

const equalIf = (condition: boolean): Verdict => (condition ? "equal" : "different");

/** Word answers (`Evelyn`, `\text{Even}`, a choice letter) compare case-insensitively, spaces ignored. */
function wordKey(latex: string): string | null {
  const bare = latex.replace(/\s/g, "");
  // Four letters or more, or a short answer word: `ab` vs `ba` is a product for the CAS.
  if (/^[A-Za-z]{4,}$/.test(bare) || /^(?:yes|no|odd|all|none)$/i.test(bare)) return bare.toLowerCase();
  const choice = /^\(?([A-E])\)?$/.exec(bare);
  return choice ? choice[1].toLowerCase() : null;
}

export function compareScalars(gold: string, predicted: string, options: CompareOptions): Verdict {
  if (gold === predicted) return "equal";
  const goldNumber = parseExactNumber(gold);
  const predictedNumber = parseExactNumber(predicted);
  if (goldNumber && predictedNumber)
    return equalIf(numbersEqual(goldNumber, predictedNumber, options.precision));
  const goldWord = wordKey(gold);
  const predictedWord = wordKey(predicted);
  if (goldWord !== null || predictedWord !== null) {
    if (goldWord === predictedWord) return "equal";
    if (goldWord !== null && predictedWord !== null) return "different";
  }
  let verdict: Verdict = "different";
  // Integration constants are interchangeable names: `c x^{-2}` = `\frac{C}{x^2}` (see `constants.ts`).
  for (const [goldNamed, predictedNamed] of constantRenamings(gold, predicted)) {
    verdict = compareSymbolic(goldNamed, predictedNamed, options);
    if (verdict === "equal") return verdict;
  }
  return verdict;
}

/** Two expressions: the exact rational-function path, the elementary-function path at seeded points, then the guarded CAS. */
function compareSymbolic(gold: string, predicted: string, options: CompareOptions): Verdict {
  const rational = rationalEqual(gold, predicted, options.precision);
  if (rational !== null) return equalIf(rational);
  const float = floatEqual(gold, predicted);
  if (float !== null) return equalIf(float);
  if (casRefusal(gold) || casRefusal(predicted))
    return equalIf(gold.replace(/\s/g, "") === predicted.replace(/\s/g, ""));
  if (!options.casAllowed) throw new CasDeferred();
  const stripPercent = (text: string) => text.replace(/\\%$/, "");
  const verdict = compareWithCas(stripPercent(gold), stripPercent(predicted), options);
  if (verdict === "unparseable" && gold.replace(/\s/g, "") === predicted.replace(/\s/g, "")) return "equal";
  return verdict;
}

/** Most unordered items left for pairwise (possibly CAS) matching after identical items are paired. */
const MAX_PAIRWISE_ITEMS = 64;

/**
 * One-to-one matching of unordered items: identical items pair first (a multiset of their JSON
 * forms), the rest greedily by `compareValues`; equal when every item finds a distinct partner.
 */
function compareUnordered(gold: AnswerValue[], predicted: AnswerValue[], options: CompareOptions): Verdict {
  if (gold.length !== predicted.length) return "different";
  const unmatched = new Map<string, AnswerValue[]>();
  for (const item of predicted) {
    const key = JSON.stringify(item);
    const same = unmatched.get(key);
    if (same) same.push(item);
    else unmatched.set(key, [item]);
  }
  const goldLeft: AnswerValue[] = [];
  for (const item of gold) {
    const same = unmatched.get(JSON.stringify(item));
    if (same && same.length > 0) same.pop();
    else goldLeft.push(item);
  }
  const predictedLeft = [...unmatched.values()].flat();
  if (goldLeft.length > MAX_PAIRWISE_ITEMS) return "different";
  const used = new Array<boolean>(predictedLeft.length).fill(false);
  for (const item of goldLeft) {
    const partner = predictedLeft.findIndex(
      (candidate, index) => !used[index] && compareValues(item, candidate, options) === "equal",
    );
    if (partner < 0) return "different";
    used[partner] = true;
  }
  return "equal";
}

function compareOrdered(gold: AnswerValue[], predicted: AnswerValue[], options: CompareOptions): Verdict {
  if (gold.length !== predicted.length) return "different";
  return equalIf(gold.every((item, index) => compareValues(item, predicted[index], options) === "equal"));
}

/** A list of inequalities on one variable (`x \le -1, x \ge 1`, read from "or") as the union of their intervals. */
function relationsAsUnion(value: AnswerValue): AnswerValue {
  if (value.kind !== "set") return value;
  const intervals = value.items.map(relationAsInterval);
  if (intervals.some((interval) => interval === null)) return value;
  return { kind: "union", parts: intervals as AnswerValue[] };
}

/** `x < 1` and `-x > -1` both become `x - 1 < 0`; = and ≠ keep both signs of the difference. */
function relationsEqual(gold: AnswerValue, predicted: AnswerValue, options: CompareOptions): Verdict {
  if (gold.kind !== "relation" || predicted.kind !== "relation") return "different";
  const flip: Record<string, string> = { ">": "<", "\\ge": "\\le" };
  const canonical = (relation: typeof gold) =>
    flip[relation.operator]
      ? { operator: flip[relation.operator], difference: `(${relation.right})-(${relation.left})` }
      : { operator: relation.operator, difference: `(${relation.left})-(${relation.right})` };
  const first = canonical(gold);
  const second = canonical(predicted);
  if (first.operator !== second.operator) return "different";
  if (gold.operator === predicted.operator) {
    const sameSides =
      compareValues(parseAnswerValue(gold.left), parseAnswerValue(predicted.left), options) === "equal" &&
      compareValues(parseAnswerValue(gold.right), parseAnswerValue(predicted.right), options) === "equal";
    if (sameSides) return "equal";
  }
  if (first.operator === "\\in") return "different";
  const symmetric = first.operator === "=" || first.operator === "\\ne";
  // The same equation up to rearrangement and a nonzero factor (`3x-6y+9=0` ≡ `y=\frac{1}{2}x+\frac{3}{2}`);
  // an inequality only up to a positive one.
  const proportional = rationalProportional(first.difference, second.difference, !symmetric);
  if (proportional !== null) return equalIf(proportional);
  if (compareScalars(first.difference, second.difference, options) === "equal") return "equal";
  if (symmetric) return compareScalars(first.difference, `-(${second.difference})`, options);
  return "different";
}

/** A relation whose left side only names the answer (`x = 3`, `f(x) = …`, `x \in [a,b]`) stands for its right side. */
function namedValue(value: AnswerValue): AnswerValue | null {
  if (value.kind !== "relation" || (value.operator !== "=" && value.operator !== "\\in")) return null;
  if (isLabel(value.left) || value.chain) return parseAnswerValue(value.right);
  if (value.operator === "=" && isLabel(value.right)) return parseAnswerValue(value.left);
  return null;
}

function compareMixed(gold: AnswerValue, predicted: AnswerValue, options: CompareOptions): Verdict {
  const goldNamed = namedValue(gold);
  const predictedNamed = namedValue(predicted);
  if (goldNamed && predicted.kind !== "relation") return compareValues(goldNamed, predicted, options);
  if (predictedNamed && gold.kind !== "relation") return compareValues(gold, predictedNamed, options);
  if (gold.kind === "relation" && predicted.kind === "relation") {
    const verdict = relationsEqual(gold, predicted, options);
    if (verdict === "equal" || !goldNamed || !predictedNamed) return verdict;
    return options.strict && gold.left.replace(/\s/g, "") !== predicted.left.replace(/\s/g, "")
      ? "different"
      : compareValues(goldNamed, predictedNamed, options);
  }
  if (options.allowSetRelationComparison) {
    const goldInterval = relationAsInterval(gold);
    const predictedInterval = relationAsInterval(predicted);
    if (goldInterval || predictedInterval)
      return compareValues(goldInterval ?? gold, predictedInterval ?? predicted, options);
  }
  return "different";
}

function single(value: AnswerValue): AnswerValue | null {
  if (
    (value.kind === "set" || value.kind === "union") &&
    (value.kind === "set" ? value.items : value.parts).length === 1
  )
    return value.kind === "set" ? value.items[0] : value.parts[0];
  return null;
}

/** A one-row or one-column matrix as a tuple; a list of distinct named values (`a=2, b=3`) as the tuple (2, 3). */
function asTuple(value: AnswerValue): AnswerValue {
  if (value.kind === "matrix") {
    if (value.rows.length === 1) return { kind: "tuple", items: value.rows[0] };
    if (value.rows.every((row) => row.length === 1))
      return { kind: "tuple", items: value.rows.map((row) => row[0]) };
  }
  if (value.kind === "set" && value.items.length > 1) {
    const named = value.items.map((item) => (item.kind === "relation" && isLabel(item.left) ? item : null));
    const labels = new Set(named.map((item) => item?.left.replace(/\s/g, "")));
    if (named.every((item) => item !== null) && labels.size === named.length)
      return { kind: "tuple", items: named.map((item) => parseAnswerValue(item!.right)) };
  }
  return value;
}

function isBareListOf(list: AnswerValue, tuple: AnswerValue): boolean {
  return (
    list.kind === "set" &&
    list.bare === true &&
    tuple.kind === "tuple" &&
    list.items.length === tuple.items.length
  );
}

const listItems = (value: AnswerValue): AnswerValue[] =>
  value.kind === "set" || value.kind === "tuple" ? value.items : [value];

export function compareValues(gold: AnswerValue, predicted: AnswerValue, options: CompareOptions): Verdict {
  if (gold.kind === "relation" || predicted.kind === "relation")
    return compareMixed(gold, predicted, options);
  if (options.allowSetRelationComparison && (gold.kind === "union") !== (predicted.kind === "union")) {
    gold = relationsAsUnion(gold);
    predicted = relationsAsUnion(predicted);
  }
  // A bare list `2, 4, 6` is the tuple `(2, 4, 6)` written without brackets.
  if (isBareListOf(gold, predicted) || isBareListOf(predicted, gold))
    return compareOrdered(listItems(gold), listItems(predicted), options);
  if (gold.kind === "tuple" && predicted.kind !== "tuple") predicted = asTuple(predicted);
  if (predicted.kind === "tuple" && gold.kind !== "tuple") gold = asTuple(gold);
  const goldSingle = single(gold);
  const predictedSingle = single(predicted);
  if (goldSingle || predictedSingle)
    return compareValues(goldSingle ?? gold, predictedSingle ?? predicted, options);
  if (gold.kind === "scalar" && predicted.kind === "scalar")
    return compareScalars(gold.latex, predicted.latex, options);
  if (gold.kind === "set" && predicted.kind === "set")
    return compareUnordered(gold.items, predicted.items, options);
  if (gold.kind === "union" && predicted.kind === "union")
    return compareUnordered(gold.parts, predicted.parts, options);
  if (gold.kind === "tuple" && predicted.kind === "tuple")
    return compareOrdered(gold.items, predicted.items, options);
  if (gold.kind === "matrix" && predicted.kind === "matrix") {
    if (gold.rows.length !== predicted.rows.length) return "different";
    return equalIf(
      gold.rows.every((row, index) => compareOrdered(row, predicted.rows[index], options) === "equal"),
    );
  }
  const asInterval = (value: AnswerValue): AnswerValue | null =>
    value.kind === "interval"
      ? value
      : value.kind === "tuple" && value.items.length === 2
        ? {
            kind: "interval",
            lower: value.items[0],
            upper: value.items[1],
            lowerClosed: false,
            upperClosed: false,
          }
        : null;
  const goldInterval = asInterval(gold);
  const predictedInterval = asInterval(predicted);
  if (goldInterval?.kind === "interval" && predictedInterval?.kind === "interval") {
    if (goldInterval.lowerClosed !== predictedInterval.lowerClosed) return "different";
    if (goldInterval.upperClosed !== predictedInterval.upperClosed) return "different";
    return compareOrdered(
      [goldInterval.lower, goldInterval.upper],
      [predictedInterval.lower, predictedInterval.upper],
      options,
    );
  }
  return "different";
}
