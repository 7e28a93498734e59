import type { Bp } from '../genome.js';
import type { Region } from './callRegions.js';
import { median } from './median.js';
import { mergedRuns } from './mergedRuns.js';
import { withEnds } from './withEnds.js';

/** Edge refinement by tandem period (Manifest.postprocess.refine_with_period), in region-calling units. */
export interface PeriodRefinement {
  /** Bins whose tandem_period_share is below this carry no period evidence. */
  minShare: number;
  /** A bin is in the region's array when its period is within max(2 bp, this × P) of P. */
  periodTolerance: number;
  /** Array runs at most this far apart are one array (one interrupted by retrotransposons). */
  mergeGapBp: Bp;
}

/** Per-bin tandem features of one chromosome (raw values: bp and shares), as computed. */
export interface TandemTracks {
  period: Float32Array;
  share: Float32Array;
}

/**
 * Moves a region's ends to the array it sits on: the model decides *where* the call is, the
 * tandem period decides *how far* it reaches. P is the median tandem_period over the region's
 * bins with share ≥ minShare; array bins are those with share ≥ minShare and a period within
 * max(2 bp, periodTolerance × P) of P; their runs, merged across gaps of at most mergeGapBp,
 * that overlap the region give its new ends. A probability threshold alone stops short of
 * aged, diverged array edges and runs on into young TE-rich flanks (no period there), and a
 * neighbouring array of another unit (5S, 45S, subtelomeric) has another period. A region
 * with no period evidence keeps its ends; its score stays the model's.
 */
export function refineWithPeriod(r: Region, tandem: TandemTracks, binBp: Bp, length: Bp, refinement: PeriodRefinement): Region {
  const { period, share } = tandem;
  const b0 = Math.floor(r.start / binBp);
  const b1 = Math.ceil(r.end / binBp);
  const periods: number[] = [];
  for (let b = b0; b < b1; b++) if (share[b]! >= refinement.minShare) periods.push(period[b]!);
  if (!periods.length) return r;
  const p = median(periods);
  const tolerance = Math.max(2, refinement.periodTolerance * p);
  const inArray = (b: number) => share[b]! >= refinement.minShare && Math.abs(period[b]! - p) <= tolerance;
  const overlapping = mergedRuns(period.length, inArray, Math.floor(refinement.mergeGapBp / binBp)).filter(([s0, s1]) => s1 > b0 && s0 < b1);
  if (!overlapping.length) return r;
  return withEnds(r, overlapping[0]![0] * binBp, Math.min(overlapping.at(-1)![1] * binBp, length));
}
