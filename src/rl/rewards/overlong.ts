import { numberOption } from "../validate.js";
import type { RewardFunction } from "./types.js";

/**
 * DAPO overlong soft punishment — Yu et al. 2025, arXiv:2503.14476 eq. 13, with L = |y|:
 *   r = 0                                 if L ≤ L_max − L_cache
 *   r = ((L_max − L_cache) − L) / L_cache  if L_max − L_cache < L ≤ L_max
 *   r = −1                                 if L > L_max
 * Options maxLength (L_max, required) and cacheLength (L_cache, default 4096 as the paper, < L_max).
 */
export const overlongReward: RewardFunction = (group_N, options) => {
  if (options.maxLength === undefined)
    throw new Error("options.maxLength is required by the overlong reward");
  const maxLength = numberOption(options, "maxLength", 0, 1);
  const cacheLength = numberOption(options, "cacheLength", Math.min(4096, maxLength), 1, maxLength);
  const free = maxLength - cacheLength;
  return group_N.map(({ responseLength }) => {
    if (responseLength <= free) return 0;
    if (responseLength <= maxLength) return (free - responseLength) / cacheLength;
    return -1;
  });
};
