import { clipBounds } from "./numerics.js";
import type { ClipOptions } from "./types.js";

export interface ClippedSurrogate {
  /** ℓ = max(−A·r, −A·clip(r, 1−ε_low, 1+ε_high)), then min(ℓ, −A·c) for A < 0 when dual-clip is on. */
  value: number;
  /** ∂ℓ/∂r: −A where the unclipped term is active, 0 where a clip is active. */
  slope: number;
  clippedLow: boolean;
  clippedHigh: boolean;
  dualClipped: boolean;
}

/**
 * The PPO clipped surrogate of one token (negated, so lower is better) — Schulman et al. 2017,
 * arXiv:1707.06347:  ℓ = max(−A·r, −A·clip(r, 1−ε_low, 1+ε_high)).
 * Clip-higher (ε_high ≠ ε_low) — DAPO, Yu et al. 2025, arXiv:2503.14476.
 * Dual clip: for A < 0, ℓ = min(ℓ, −A·c) — Ye et al. 2020, arXiv:1912.09729.
 * NGRPO asymmetric clip (per-sign ε) — arXiv:2509.18851, via `clipBounds`.
 */
export function clippedSurrogate(ratio: number, advantage: number, clip: ClipOptions): ClippedSurrogate {
  const { lower, upper } = clipBounds(advantage, clip);
  const unclipped = -advantage * ratio;
  const clippedRatio = Math.min(Math.max(ratio, lower), upper);
  const clipped = -advantage * clippedRatio;
  const clipActive = clipped > unclipped;
  let value = clipActive ? clipped : unclipped;
  let slope = clipActive ? 0 : -advantage;
  let dualClipped = false;
  if (clip.dualClip !== undefined && advantage < 0 && value > -advantage * clip.dualClip) {
    value = -advantage * clip.dualClip;
    slope = 0;
    dualClipped = true;
  }
  return {
    value,
    slope,
    clippedLow: clipActive && ratio < lower,
    clippedHigh: clipActive && ratio > upper,
    dualClipped,
  };
}
