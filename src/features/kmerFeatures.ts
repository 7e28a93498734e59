import type { Bp } from '../genome.js';
import { KmerWorkspace } from './kmerCounts.js';
import { type BinnedKmerFeature, binRepeatDepth, coveredBasesPerBin } from './kmerDepthBins.js';
import { forEachRepeatedStarts } from './kmerRepeatLevels.js';

export type { BinnedKmerFeature } from './kmerDepthBins.js';

/** The k values of seed 000's features, and the eight feature names in model input order. */
export const FEATURE_KS = [64, 128, 256, 512] as const;
export const FEATURE_NAMES = FEATURE_KS.flatMap((k) => [`${k}_highlighted_percent`, `${k}_coverage_depth_avg`]);

/**
 * DESIGN.md's features at one k over one chromosome. depth_k(q) is the largest count_k among
 * valid k-mers covering base q; q is highlighted when depth_k(q) ≥ 2. Bins are `binBp` long;
 * the last, short one uses its own length.
 */
export function binnedKmerFeature(bases: Uint8Array, k: number, binBp: Bp, ws = new KmerWorkspace()): BinnedKmerFeature {
  const [covered] = coveredBasesPerBin(bases, [k], binBp);
  let feature: BinnedKmerFeature | undefined;
  forEachRepeatedStarts(bases, [k], ws, (r) => {
    feature = binRepeatDepth(r.starts, r.counts, r.length, k, bases.length, binBp, covered!);
  });
  return feature!;
}

/**
 * All eight features of one chromosome, in FEATURE_NAMES order. Each k after 64 only counts
 * where its halves repeat (kmerRepeatLevels' subsequence filter); values equal binnedKmerFeature's.
 */
export function chromosomeFeatures(bases: Uint8Array, binBp: Bp, ws = new KmerWorkspace()): Float32Array[] {
  const covered = coveredBasesPerBin(bases, FEATURE_KS, binBp);
  const out: Float32Array[] = [];
  forEachRepeatedStarts(bases, FEATURE_KS, ws, (r) => {
    const f = binRepeatDepth(r.starts, r.counts, r.length, r.k, bases.length, binBp, covered[out.length / 2]!);
    out.push(f.highlightedPercent, f.depthAvg);
  });
  return out;
}
