import { assertVector } from "../validate.js";

/**
 * Helpers for the training loop: outcome advantages are one number per sequence; losses take one number
 * per response token. Sequences are padded on the right to `width` tokens (default: the longest length).
 */

function checkLengths(lengths_S: number[], width: number | undefined): number {
  assertVector("lengths", lengths_S);
  for (let index = 0; index < lengths_S.length; index++) {
    const length = lengths_S[index];
    if (!Number.isInteger(length) || length < 0) {
      throw new Error(`lengths[${index}] must be a non-negative integer, got ${length}`);
    }
  }
  const longest = lengths_S.reduce((maximum, length) => Math.max(maximum, length), 0);
  if (width === undefined) return longest;
  if (!Number.isInteger(width) || width < longest) {
    throw new Error(`width must be an integer ≥ the longest length (${longest}), got ${width}`);
  }
  return width;
}

/** A row of `columns` entries: `value` for the first `length`, 0 after. */
function filledRow(columns: number, length: number, value: number): number[] {
  const row = new Array<number>(columns).fill(0);
  for (let token = 0; token < length; token++) row[token] = value;
  return row;
}

/** mask_S_T[s][t] = 1 for t < lengths[s], 0 on padding. */
export function responseMask(lengths_S: number[], width?: number): number[][] {
  const columns = checkLengths(lengths_S, width);
  return lengths_S.map((length) => filledRow(columns, length, 1));
}

/** advantages_S_T[s][t] = advantages_S[s] for t < lengths[s], 0 on padding. */
export function broadcastAdvantages(advantages_S: number[], lengths_S: number[], width?: number): number[][] {
  assertVector("advantages", advantages_S);
  const columns = checkLengths(lengths_S, width);
  if (advantages_S.length !== lengths_S.length) {
    throw new Error(`advantages has ${advantages_S.length} entries but lengths has ${lengths_S.length}`);
  }
  return lengths_S.map((length, sequence) => filledRow(columns, length, advantages_S[sequence]));
}

/** The rows of a grouped matrix one after another: values_G_N → values_S (S = Σ_g N_g), group order kept. */
export function flattenGroups(values_G_N: number[][]): number[] {
  return values_G_N.flat();
}

/** Inverse of `flattenGroups`: splits values_S back into groups of the given sizes. */
export function unflattenGroups(values_S: number[], groupSizes_G: number[]): number[][] {
  const total = groupSizes_G.reduce((sum, size) => sum + size, 0);
  if (total !== values_S.length) {
    throw new Error(`groupSizes sum to ${total} but values has ${values_S.length} entries`);
  }
  const groups: number[][] = [];
  let start = 0;
  for (const size of groupSizes_G) {
    groups.push(values_S.slice(start, start + size));
    start += size;
  }
  return groups;
}
