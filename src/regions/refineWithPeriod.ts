import type { Bp } from '../genome.js';
import type { Region } from './callRegions.js';
import { median } from './median.js';

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
  const gapBins = Math.floor(refinement.mergeGapBp / binBp);
  let first = -1;
  let last = -1; // array bins [first, last) once a run overlaps the region
  for (let b = 0; b < period.length; ) {
    if (!inArray(b)) {
      b++;
      continue;
    }
    // One merged run: array bins with gaps of at most gapBins between them.
    const runStart = b;
    let runEnd = b + 1;
    for (let k = runEnd; k < period.length && k - runEnd <= gapBins; k++) if (inArray(k)) runEnd = k + 1;
    if (runStart >= b1) break;
    if (runEnd > b0) {
      if (first < 0) first = runStart;
      last = runEnd;
    }
    b = runEnd;
  }
  if (first < 0) return r;
  const start = first * binBp;
  const end = Math.min(last * binBp, length);
  return { ...r, start, end, peakStart: Math.min(Math.max(r.peakStart, start), end - 1), peakEnd: Math.max(Math.min(r.peakEnd, end), start + 1) };
}
