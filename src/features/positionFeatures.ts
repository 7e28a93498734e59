import type { Bp } from '../genome.js';

/**
 * `chromosome_end_distance_mb`: per bin, the distance from the bin's centre to the nearer end
 * of its sequence, in Mb, capped at END_DISTANCE_CAP_MB. Subtelomeric satellites and most
 * NORs sit within a few hundred kb of an end; centromeres rarely do. The cap keeps a 43-Mb
 * chromosome's middle in the range a model trained on smaller chromosomes has seen.
 */
export const POSITION_FEATURE_NAMES = ['chromosome_end_distance_mb'] as const;
export const END_DISTANCE_CAP_MB = 2;

export function endDistanceMb(lengthBp: Bp, binBp: Bp): Float32Array {
  const nBins = Math.ceil(lengthBp / binBp);
  const out = new Float32Array(nBins);
  for (let b = 0; b < nBins; b++) {
    const centre = (b * binBp + Math.min(lengthBp, (b + 1) * binBp)) / 2;
    out[b] = Math.min(END_DISTANCE_CAP_MB, Math.min(centre, lengthBp - centre) / 1e6);
  }
  return out;
}
