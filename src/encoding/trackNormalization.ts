import type { TrackNormalization } from '../models/manifest.js';

/** log1p (optional) then z-score, in place, as the model's manifest prescribes. */
export function normalizeTrack(values: Float32Array, norm: TrackNormalization): Float32Array {
  for (let i = 0; i < values.length; i++) {
    const x = norm.log1p ? Math.log1p(values[i]!) : values[i]!;
    values[i] = (x - norm.mean) / norm.std;
  }
  return values;
}
