import type { ClipBounds } from "./numerics.js";

/** Which branch of the clipped surrogate is active for a token. */
export const CLIP_NONE = 0;
export const CLIP_LOW = 1;
export const CLIP_HIGH = 2;
export const CLIP_DUAL = 3;

/** Result of one token, written into a reused object (no allocation per token). */
export interface SurrogateTerm {
  /** ℓ = max(−A·r, −A·clip(r, lower, upper)), then min(ℓ, −A·c) for A < 0 with dual clip c. */
  value: number;
  /** ∂ℓ/∂r: −A where the unclipped term is active, 0 where a clip is active. */
  slope: number;
  /** CLIP_NONE, CLIP_LOW, CLIP_HIGH or CLIP_DUAL. */
  clip: number;
}

export function createSurrogateTerm(): SurrogateTerm {
  return { value: 0, slope: 0, clip: CLIP_NONE };
}

/**
 * The PPO clipped surrogate of one token (negated, so lower is better) — Schulman et al. 2017,
 * arXiv:1707.06347:  ℓ = max(−A·r, −A·clip(r, 1−ε_low, 1+ε_high)).
 * Clip-higher (ε_high ≠ ε_low) — DAPO, Yu et al. 2025, arXiv:2503.14476.
 * Dual clip: for A < 0, ℓ = min(ℓ, −A·c) — Ye et al. 2020, arXiv:1912.09729 (`dualClip` undefined: off).
 * NGRPO asymmetric clip: the bounds depend on the sign of A — arXiv:2509.18851 (`resolveBounds`).
 */
export function clippedSurrogate(
  ratio: number,
  advantage: number,
  bounds: ClipBounds,
  dualClip: number | undefined,
  term: SurrogateTerm,
): SurrogateTerm {
  const lower = advantage < 0 ? bounds.lowerNegative : bounds.lowerPositive;
  const upper = advantage < 0 ? bounds.upperNegative : bounds.upperPositive;
  const unclipped = -advantage * ratio;
  const clippedRatio = Math.min(Math.max(ratio, lower), upper);
  const clipped = -advantage * clippedRatio;
  if (clipped > unclipped) {
    term.value = clipped;
    term.slope = 0;
    term.clip = ratio < lower ? CLIP_LOW : CLIP_HIGH;
  } else {
    term.value = unclipped;
    term.slope = -advantage;
    term.clip = CLIP_NONE;
  }
  if (dualClip !== undefined && advantage < 0 && term.value > -advantage * dualClip) {
    term.value = -advantage * dualClip;
    term.slope = 0;
    term.clip = CLIP_DUAL;
  }
  return term;
}
