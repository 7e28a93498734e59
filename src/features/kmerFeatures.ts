import type { Bp } from '../genome.js';
import { KmerWorkspace, kmerCounts } from './kmerCounts.js';

/** The k values of seed 000's features, and the eight feature names in model input order. */
export const FEATURE_KS = [64, 128, 256, 512] as const;
export const FEATURE_NAMES = FEATURE_KS.flatMap((k) => [`${k}_highlighted_percent`, `${k}_coverage_depth_avg`]);

export interface BinnedKmerFeature {
  /** 100 × highlighted bases / bin length, per bin. */
  highlightedPercent: Float32Array;
  /** Mean depth_k over the bin's bases, per bin. */
  depthAvg: Float32Array;
}

/**
 * DESIGN.md's features at one k over one chromosome. depth_k(q) is the largest count_k among
 * valid k-mers covering base q (a sliding-window maximum over start positions q−k+1…q);
 * q is highlighted when depth_k(q) ≥ 2. Bins are `binBp` long; the last, short one uses its
 * own length.
 */
export function binnedKmerFeature(bases: Uint8Array, k: number, binBp: Bp, ws = new KmerWorkspace()): BinnedKmerFeature {
  const n = bases.length;
  const nBins = Math.ceil(n / binBp);
  const counts = kmerCounts(bases, k, ws);
  const starts = counts.length;
  const highlightedPercent = new Float32Array(nBins);
  const depthAvg = new Float32Array(nBins);
  // Monotonic deque of start positions (counts decreasing), in a ring of size ≥ k + 1.
  let size = 1;
  while (size < k + 1) size <<= 1;
  const ring = new Uint32Array(size);
  const mask = size - 1;
  let head = 0;
  let tail = 0;
  let highlighted = 0;
  let depthSum = 0;
  for (let q = 0; q < n; q++) {
    if (q < starts) {
      const c = counts[q]!;
      while (tail !== head && counts[ring[(tail - 1) & mask]!]! <= c) tail = (tail - 1) & mask;
      ring[tail] = q;
      tail = (tail + 1) & mask;
    }
    while (tail !== head && ring[head]! + k <= q) head = (head + 1) & mask;
    const depth = tail !== head ? counts[ring[head]!]! : 0;
    if (depth >= 2) highlighted++;
    depthSum += depth;
    if ((q + 1) % binBp === 0 || q === n - 1) {
      const bin = Math.floor(q / binBp);
      const length = q - bin * binBp + 1;
      highlightedPercent[bin] = (100 * highlighted) / length;
      depthAvg[bin] = depthSum / length;
      highlighted = 0;
      depthSum = 0;
    }
  }
  return { highlightedPercent, depthAvg };
}

/** All eight features of one chromosome, in FEATURE_NAMES order. */
export function chromosomeFeatures(bases: Uint8Array, binBp: Bp, ws = new KmerWorkspace()): Float32Array[] {
  return FEATURE_KS.flatMap((k) => {
    const f = binnedKmerFeature(bases, k, binBp, ws);
    return [f.highlightedPercent, f.depthAvg];
  });
}
