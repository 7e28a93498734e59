/**
 * Reverse-complement averaging (manifest input.reverse_complement_average): each segment is
 * also predicted from its reverse complement, and that output, flipped back into forward bin
 * order, is averaged with the forward one. A segment is whole bins with equal context on both
 * sides, so reversing its bases maps bin i exactly onto bin n − 1 − i.
 */
const COMPLEMENT = new Uint8Array(256);
for (let i = 0; i < 256; i++) COMPLEMENT[i] = i;
for (const [a, b] of ['AT', 'CG', 'GC', 'TA', 'at', 'cg', 'gc', 'ta', 'RY', 'YR', 'KM', 'MK', 'ry', 'yr', 'km', 'mk', 'BV', 'VB', 'DH', 'HD', 'bv', 'vb', 'dh', 'hd']) {
  COMPLEMENT[a!.charCodeAt(0)] = b!.charCodeAt(0);
}

/** Writes the reverse complement of each of `count` segments of `segmentBp` bases into `out`. */
export function reverseComplementSegments(bases: Uint8Array, count: number, segmentBp: number, out: Uint8Array): void {
  for (let k = 0; k < count; k++) {
    const from = k * segmentBp;
    const last = from + segmentBp - 1;
    for (let i = 0; i < segmentBp; i++) out[from + i] = COMPLEMENT[bases[last - i]!]!;
  }
}

/** forward[k, l, b] = (forward[k, l, b] + reverse[k, l, bins − 1 − b]) / 2, in place. */
export function averageWithFlipped(forward: Float32Array, reverse: Float32Array, rows: number, bins: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * bins;
    for (let b = 0; b < bins; b++) forward[o + b] = (forward[o + b]! + reverse[o + bins - 1 - b]!) / 2;
  }
}
