/**
 * A unit grammar for the unit that may follow a quantity in an answer (`42 \text{ km/h}`,
 * `9.8 \text{ m s}^{-2}`, `6.02 \times 10^{23} \text{ mol}^{-1}`, `\frac{50}{3} \mathrm{~m} / \mathrm{s}`).
 * Pure. A unit is a product of factors `prefix? symbol (^power)?` joined by spaces, `\cdot`, `*` or
 * `/`; a symbol is an SI base or derived unit (with SI prefixes), a common non-SI unit, or a unit
 * word (`meters`, `square units`). Each reading carries its scale to SI and its dimension, so that
 * `0.5 m` and `50 cm` can be compared. Written for boxed; units from the SI Brochure (BIPM, 9th ed.).
 *
 * No npm units library is used: js-quantities and mathjs read `kg m/s^2` but not LaTeX forms
 * (`\text{ m}^{-2}`, `\mathrm{~kg}`, `^{\circ}\mathrm{C}`), and both take a lone `in` or `a` for a unit.
 */

/** Dimension exponents over (m, kg, s, A, K, mol, cd, count); `count` is 0 for every physical unit. */
type Dimension = readonly number[];
export interface Unit {
  /** Factor to SI: a value in this unit times `scale` is the value in SI base units. */
  scale: number;
  dimension: Dimension;
}

const dim = (m = 0, kg = 0, s = 0, a = 0, k = 0, mol = 0, cd = 0): Dimension => [m, kg, s, a, k, mol, cd];
const NONE = dim();

/** Symbols that take SI prefixes: symbol → [scale, dimension]. (`g` is 1e-3 kg.) */
const PREFIXABLE: Record<string, [number, Dimension]> = {
  m: [1, dim(1)],
  g: [1e-3, dim(0, 1)],
  s: [1, dim(0, 0, 1)],
  A: [1, dim(0, 0, 0, 1)],
  K: [1, dim(0, 0, 0, 0, 1)],
  mol: [1, dim(0, 0, 0, 0, 0, 1)],
  cd: [1, dim(0, 0, 0, 0, 0, 0, 1)],
  Hz: [1, dim(0, 0, -1)],
  N: [1, dim(1, 1, -2)],
  Pa: [1, dim(-1, 1, -2)],
  J: [1, dim(2, 1, -2)],
  W: [1, dim(2, 1, -3)],
  C: [1, dim(0, 0, 1, 1)],
  V: [1, dim(2, 1, -3, -1)],
  F: [1, dim(-2, -1, 4, 2)],
  Ω: [1, dim(2, 1, -3, -2)],
  ohm: [1, dim(2, 1, -3, -2)],
  S: [1, dim(-2, -1, 3, 2)],
  Wb: [1, dim(2, 1, -2, -1)],
  T: [1, dim(0, 1, -2, -1)],
  H: [1, dim(2, 1, -2, -2)],
  L: [1e-3, dim(3)],
  l: [1e-3, dim(3)],
  eV: [1.602176634e-19, dim(2, 1, -2)],
  cal: [4.184, dim(2, 1, -2)],
  erg: [1e-7, dim(2, 1, -2)],
  dyn: [1e-5, dim(1, 1, -2)],
  bar: [1e5, dim(-1, 1, -2)],
  pc: [3.085677581491367e16, dim(1)],
  yr: [3.15576e7, dim(0, 0, 1)],
  ly: [9.4607304725808e15, dim(1)],
  Bq: [1, dim(0, 0, -1)],
  Gy: [1, dim(2, 0, -2)],
  Sv: [1, dim(2, 0, -2)],
  lm: [1, dim(0, 0, 0, 0, 0, 0, 1)],
  lx: [1, dim(-2, 0, 0, 0, 0, 0, 1)],
};

const PREFIXES: Record<string, number> = {
  Y: 1e24,
  Z: 1e21,
  E: 1e18,
  P: 1e15,
  T: 1e12,
  G: 1e9,
  M: 1e6,
  k: 1e3,
  h: 1e2,
  da: 1e1,
  d: 1e-1,
  c: 1e-2,
  m: 1e-3,
  µ: 1e-6,
  μ: 1e-6,
  u: 1e-6,
  n: 1e-9,
  p: 1e-12,
  f: 1e-15,
  a: 1e-18,
};

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
const INCH = 0.0254;
const POUND = 0.45359237;

/** Symbols and words without prefixes (plural `s` is accepted on words of three letters or more). */
const PLAIN: Record<string, [number, Dimension]> = {
  min: [MINUTE, dim(0, 0, 1)],
  minute: [MINUTE, dim(0, 0, 1)],
  h: [HOUR, dim(0, 0, 1)],
  hr: [HOUR, dim(0, 0, 1)],
  hour: [HOUR, dim(0, 0, 1)],
  d: [DAY, dim(0, 0, 1)],
  day: [DAY, dim(0, 0, 1)],
  week: [7 * DAY, dim(0, 0, 1)],
  month: [DAY * 30.436875, dim(0, 0, 1)],
  year: [3.15576e7, dim(0, 0, 1)],
  y: [3.15576e7, dim(0, 0, 1)],
  second: [1, dim(0, 0, 1)],
  sec: [1, dim(0, 0, 1)],
  meter: [1, dim(1)],
  metre: [1, dim(1)],
  centimeter: [1e-2, dim(1)],
  millimeter: [1e-3, dim(1)],
  kilometer: [1e3, dim(1)],
  gram: [1e-3, dim(0, 1)],
  kilogram: [1, dim(0, 1)],
  liter: [1e-3, dim(3)],
  litre: [1e-3, dim(3)],
  milliliter: [1e-6, dim(3)],
  mL: [1e-6, dim(3)],
  ml: [1e-6, dim(3)],
  in: [INCH, dim(1)],
  inch: [INCH, dim(1)],
  inche: [INCH, dim(1)],
  ft: [12 * INCH, dim(1)],
  foot: [12 * INCH, dim(1)],
  feet: [12 * INCH, dim(1)],
  yd: [36 * INCH, dim(1)],
  yard: [36 * INCH, dim(1)],
  mi: [1609.344, dim(1)],
  mile: [1609.344, dim(1)],
  mph: [1609.344 / HOUR, dim(1, 0, -1)],
  kph: [1000 / HOUR, dim(1, 0, -1)],
  knot: [1852 / HOUR, dim(1, 0, -1)],
  lb: [POUND, dim(0, 1)],
  lbs: [POUND, dim(0, 1)],
  pound: [POUND, dim(0, 1)],
  oz: [POUND / 16, dim(0, 1)],
  ounce: [POUND / 16, dim(0, 1)],
  ton: [1000, dim(0, 1)],
  tonne: [1000, dim(0, 1)],
  gal: [3.785411784e-3, dim(3)],
  gallon: [3.785411784e-3, dim(3)],
  cup: [2.365882365e-4, dim(3)],
  AU: [1.495978707e11, dim(1)],
  au: [1.495978707e11, dim(1)],
  Å: [1e-10, dim(1)],
  angstrom: [1e-10, dim(1)],
  atm: [101325, dim(-1, 1, -2)],
  torr: [101325 / 760, dim(-1, 1, -2)],
  mmHg: [133.322387415, dim(-1, 1, -2)],
  psi: [6894.757293168, dim(-1, 1, -2)],
  cc: [1e-6, dim(3)],
  rad: [1, NONE],
  sr: [1, NONE],
  deg: [Math.PI / 180, NONE],
  degree: [Math.PI / 180, NONE],
  arcsec: [Math.PI / 648000, NONE],
  arcmin: [Math.PI / 10800, NONE],
  Jy: [1e-26, dim(0, 1, -2)],
  M_sun: [1.98847e30, dim(0, 1)],
  dollar: [1, [0, 0, 0, 0, 0, 0, 0, 1]],
  cent: [0.01, [0, 0, 0, 0, 0, 0, 0, 1]],
  unit: [1, NONE],
  square: [1, NONE],
  sq: [1, NONE],
  cubic: [1, NONE],
};

/** The reading of one unit symbol or word, or null. Exact names first, then plural words, then prefix + symbol. */
function readSymbol(symbol: string): Unit | null {
  const exact = PLAIN[symbol] ?? PREFIXABLE[symbol];
  if (exact) return { scale: exact[0], dimension: exact[1] };
  if (symbol.length > 3 && symbol.endsWith("s")) {
    const singular = PLAIN[symbol.slice(0, -1)];
    if (singular) return { scale: singular[0], dimension: singular[1] };
  }
  for (const prefix of Object.keys(PREFIXES)) {
    const rest = symbol.startsWith(prefix) ? PREFIXABLE[symbol.slice(prefix.length)] : undefined;
    if (rest) return { scale: PREFIXES[prefix] * rest[0], dimension: rest[1] };
  }
  return null;
}

const SUPERSCRIPTS: Record<string, string> = { "⁻": "-", "¹": "1", "²": "2", "³": "3", "⁴": "4" };

/**
 * The unit text with its LaTeX dressing removed: `\text{ m s}^{-2}` → `m s^-2`, `\mathrm{~kg}` →
 * `kg`, `\frac{\text{m}}{\text{s}}` → `m / s`, unicode superscripts `m²` `s⁻¹` as powers.
 */
function plainUnitText(text: string): string {
  return text
    .replace(/[⁻¹²³⁴]+/g, (run) => `^${[...run].map((character) => SUPERSCRIPTS[character]).join("")}`)
    .replace(/\\(?:text|mathrm|mbox|textrm|textnormal|operatorname|mathit)\s*\{([^{}]*)\}/g, " $1 ")
    .replace(/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "$1 / $2")
    .replace(/\\(?:text|mathrm|mbox|textrm|textnormal|operatorname|rm|mathit)\b\s*/g, " ")
    .replace(/\\(?:,|;|:|!|quad|qquad| )|~/g, " ")
    .replace(/\\(?:cdot|times)|\*/g, " ")
    .replace(/\\mu\s*/g, "μ")
    .replace(/\\Omega/g, "Ω")
    .replace(/\\(?:AA|mathring\s*\{?A\}?)/g, "Å")
    .replace(/\^\s*\{\s*([+-]?\d+)\s*\}|\^\s*([+-]?\d)/g, (_, braced, bare) => `^${braced ?? bare} `)
    .replace(/[{}]/g, " ")
    .replace(/\s+\^/g, "^")
    .replace(/([µμ])\s+/g, "$1")
    .replace(/\s*\/\s*/g, " / ")
    .replace(/\s+/g, " ")
    .trim();
}

const FACTOR = /^([A-Za-zµμΩÅ_]+)(?:\^([+-]?\d+))?$/;

/** Reads a whole unit expression (`km / h`, `kcal m^-2 yr^-1`, `square units`), or null when any part is not a unit. */
export function readUnit(text: string): Unit | null {
  const plain = plainUnitText(text);
  if (plain === "" || plain.length > 80) return null;
  let scale = 1;
  const dimension = [0, 0, 0, 0, 0, 0, 0, 0];
  let sign = 1;
  let factors = 0;
  for (const token of plain.split(" ")) {
    if (token === "/") {
      if (sign < 0 || factors === 0) return null;
      sign = -1;
      continue;
    }
    const match = FACTOR.exec(token);
    const unit = match ? readSymbol(match[1]) : null;
    if (!match || !unit) return null;
    const power = sign * Number(match[2] ?? 1);
    scale *= unit.scale ** power;
    unit.dimension.forEach((exponent, index) => {
      dimension[index] += exponent * power;
    });
    factors++;
  }
  return factors > 0 ? { scale, dimension } : null;
}

/** Whether two units measure the same kind of quantity. */
export function sameDimension(first: Unit, second: Unit): boolean {
  return first.dimension.every((exponent, index) => exponent === (second.dimension[index] ?? 0));
}

/** Where a unit may begin: a `\text`-like wrapper, `~`, `\,`, or a space before a letter. */
const UNIT_START = /\\(?:text|mathrm|mbox|textrm|textnormal|rm)\s*\{|~|\\[,;: ]|\s(?=[A-Za-zµμΩÅ\\])/g;
/** The end of a quantity: a digit, a closing bracket, a percent sign or a constant. */
const QUANTITY_END = /(?:[\d})\]|]|\\%|\\pi|\\infty)\s*$/;
/** Ordinal suffixes: `5^{\text{th}}`, `5th`, `21^{st}` → the number. */
const ORDINAL = /(\d)\s*(?:\^\s*\{?\s*(?:\\text\s*\{\s*)?(?:st|nd|rd|th)\s*\}?\s*\}?|(?:st|nd|rd|th)\b)/g;
/** Trailing words that name what is counted (`\text{ apples}`, `students`): letters only, 3+ per word. */
const COUNTED_WORDS = /^(?:\\text\s*\{|\\mbox\s*\{)?\s*[A-Za-z]{3,}(?:\s+[A-Za-z]{3,})*\s*\}?\s*$/;

const PLAIN_NUMBER = /^[+-]?[\d.,]+(?:\s*(?:\\times|\\cdot)\s*10\^\{?[+-]?\d+\}?)?$/;

export interface Quantity {
  /** The answer without its unit. */
  quantity: string;
  /** The unit's reading; null when the trailing text was a counted word rather than a unit. */
  unit: Unit | null;
}

/**
 * Splits `text` into a quantity and the unit (or counted words) that follows it, or null when no
 * unit follows a quantity. The unit must be all of the rest: `5 \text{ cm}` splits, `5 \text{ cm and more}` does not.
 */
export function splitQuantity(text: string): Quantity | null {
  const from = Math.max(0, text.length - 120);
  for (const start of text.slice(from).matchAll(UNIT_START)) {
    const index = from + (start.index ?? 0);
    const quantity = text.slice(0, index).trimEnd();
    if (quantity === "" || !QUANTITY_END.test(quantity)) continue;
    const rest = text.slice(index);
    // A bare letter (`\frac{37}{4} m`) is a unit only after a plain number (`5 m`); else a variable.
    if (/^\s*[A-Za-z]\s*$/.test(rest) && !PLAIN_NUMBER.test(quantity)) continue;
    const unit = readUnit(rest);
    if (unit) return { quantity, unit };
    if (COUNTED_WORDS.test(rest) && !/\b(?:and|or|to|of|is|in|[ap]\.?m)\b/.test(rest))
      return { quantity, unit: null };
  }
  return null;
}

/** `text` without its ordinal suffixes and trailing unit (`42 \text{ km/h}` → `42`). */
export function stripUnit(text: string): string {
  const withoutOrdinals = text.replace(ORDINAL, "$1");
  return splitQuantity(withoutOrdinals)?.quantity ?? withoutOrdinals;
}
