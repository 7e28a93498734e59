import type { Bp, Bins } from '../genome.js';

/**
 * Base → channel (A=0, C=1, G=2, T=3). Lowercase (soft-masked) bases are bases; N and the
 * IUPAC ambiguity codes (R, Y, S, W, K, M, B, D, H, V) and anything else map to -1 and
 * encode as an all-zero column, the same as a model's own zero padding.
 */
const CHANNEL = new Int8Array(256).fill(-1);
'ACGT'.split('').forEach((b, i) => {
  CHANNEL[b.charCodeAt(0)] = i;
  CHANNEL[b.toLowerCase().charCodeAt(0)] = i;
});

/** The padding byte used for positions outside a chromosome. */
export const N_BYTE = 0x4e;

/**
 * Writes the one-hot encoding of `bases` channels-first ([4, length]) into `out` starting at
 * `offset`. The target region must already be zero.
 */
export function encodeOneHot(bases: Uint8Array, out: Float32Array, offset = 0): void {
  const length = bases.length;
  for (let i = 0; i < length; i++) {
    const c = CHANNEL[bases[i]!]!;
    if (c >= 0) out[offset + c * length + i] = 1;
  }
}

/** Number of A/C/G/T bases (any case) in each `binBp` bin of `bases`, starting at `from`. */
export function countValidBases(bases: Uint8Array, from: Bp, bins: Bins, binBp: Bp, out: Uint16Array, outOffset = 0): void {
  for (let b = 0; b < bins; b++) {
    let n = 0;
    const end = from + (b + 1) * binBp;
    for (let i = from + b * binBp; i < end; i++) if (CHANNEL[bases[i]!]! >= 0) n++;
    out[outOffset + b] = n;
  }
}
