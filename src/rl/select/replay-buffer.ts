/**
 * Selective sample replay — Wang et al. 2025, "VL-Rethinker", arXiv:2504.08837 §3.2 (SSR): keep the
 * samples whose advantage is non-zero (they carry gradient) in a bounded buffer and replay them, drawn
 * with probability ∝ |A|^α, to fill batches whose groups vanished. Immutable: every call returns a new
 * buffer; the random source is given so that draws are reproducible.
 */
export interface ReplayItem {
  advantage: number;
}

export interface ReplayBuffer<Item extends ReplayItem> {
  items: Item[];
  capacity: number;
}

export function createReplayBuffer<Item extends ReplayItem>(capacity: number): ReplayBuffer<Item> {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error(`capacity must be a positive integer, got ${capacity}`);
  return { items: [], capacity };
}

/** Adds the items with |advantage| > minimum (default 0); the oldest are evicted beyond capacity. */
export function addToReplay<Item extends ReplayItem>(
  buffer: ReplayBuffer<Item>,
  items: Item[],
  minimum = 0,
): ReplayBuffer<Item> {
  items.forEach((item, index) => {
    if (!Number.isFinite(item.advantage))
      throw new Error(`items[${index}].advantage must be a finite number`);
  });
  const selected = items.filter((item) => Math.abs(item.advantage) > minimum);
  const all = [...buffer.items, ...selected];
  return { items: all.slice(Math.max(0, all.length - buffer.capacity)), capacity: buffer.capacity };
}

/** Draws `count` items with replacement, P(i) ∝ |A_i|^α (α = `exponent`, default 1). */
export function sampleReplay<Item extends ReplayItem>(
  buffer: ReplayBuffer<Item>,
  count: number,
  random: () => number,
  exponent = 1,
): Item[] {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`count must be a non-negative integer, got ${count}`);
  if (buffer.items.length === 0 || count === 0) return [];
  const weights = buffer.items.map((item) => Math.abs(item.advantage) ** exponent);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const drawn: Item[] = [];
  for (let draw = 0; draw < count; draw++) {
    let target = random() * total;
    let index = 0;
    while (index < weights.length - 1 && target >= weights[index]) {
      target -= weights[index];
      index++;
    }
    drawn.push(buffer.items[index]);
  }
  return drawn;
}
