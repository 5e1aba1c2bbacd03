import type { TextCodec } from "../types.js";

/** Where a turn's sampled tokens first spell a stop string. */
export interface StopCut {
  /** Tokens kept: the shortest prefix whose text contains the stop (the rest was never "generated"). */
  length: number;
  /** The kept tokens' text. */
  text: string;
  /** Character index of the stop in `text`. */
  stopAt: number;
  stop: string;
}

function firstStop(text: string, stops: string[]): { stopAt: number; stop: string } | undefined {
  let best: { stopAt: number; stop: string } | undefined;
  for (const stop of stops) {
    const stopAt = text.indexOf(stop);
    if (stopAt >= 0 && (best === undefined || stopAt < best.stopAt)) best = { stopAt, stop };
  }
  return best;
}

/**
 * The engine stops on token ids only; a stop string (a tool block closing) is applied here, in
 * token space: the turn keeps the shortest prefix of its sampled tokens whose decoded text holds a
 * stop string. Sampling is autoregressive, so that prefix and its log-probs are exactly what a
 * sampler stopping there would have produced; the tokens after it are discarded.
 */
export function cutAtStop(codec: TextCodec, tokens: number[], stops: string[]): StopCut | undefined {
  if (stops.length === 0 || firstStop(codec.decode(tokens), stops) === undefined) return undefined;
  for (let length = 1; length <= tokens.length; length++) {
    const text = codec.decode(tokens.slice(0, length));
    const found = firstStop(text, stops);
    if (found !== undefined) return { length, text, ...found };
  }
  return undefined;
}
