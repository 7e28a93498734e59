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
 * `offset`; the target region must already be zero.
 */
export function encodeOneHot(bases: Uint8Array, out: Float32Array, offset = 0): void {
  const length = bases.length;
  // Byte → index of its channel's plane in `out` (or -1): one lookup per base, no multiply.
  const plane = new Int32Array(256);
  for (let b = 0; b < 256; b++) plane[b] = CHANNEL[b]! >= 0 ? offset + CHANNEL[b]! * length : -1;
  for (let i = 0; i < length; i++) {
    const p = plane[bases[i]!]!;
    if (p >= 0) out[p + i] = 1;
  }
}

/**
 * Marks (1) each of `bins` bins of `binBp` bases, starting at `from` in `bases`, that holds no
 * A/C/G/T base: an assembly gap. Stops at a bin's first base, so real sequence costs ~nothing.
 */
export function markGapBins(bases: Uint8Array, from: number, bins: number, binBp: number, out: Uint8Array, outOffset = 0): void {
  for (let b = 0; b < bins; b++) {
    const start = from + b * binBp;
    const end = Math.min(start + binBp, bases.length);
    let i = start;
    while (i < end && CHANNEL[bases[i]!]! < 0) i++;
    out[outOffset + b] = i === end ? 1 : 0;
  }
}
