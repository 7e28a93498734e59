import type { Bp } from '../genome.js';
import type { Region } from './callRegions.js';
import { median } from './median.js';
import { mergedRuns } from './mergedRuns.js';
import { withEnds } from './withEnds.js';
import { sameFamily } from './periodFamily.js';

/** Edge refinement by tandem period (Manifest.postprocess.refine_with_period), in region-calling units. */
export interface PeriodRefinement {
  /** Bins whose tandem_period_share is below this carry no period evidence. */
  minShare: number;
  /** A bin is in the region's array when its period or P is 1–4 × the other, within max(2 bp, this × the smaller). */
  periodTolerance: number;
  /** Array runs at most this far apart are one array (one interrupted by retrotransposons). */
  mergeGapBp: Bp;
  /**
   * Aged array edges: bins with share ≥ edgeShare (< minShare) and the array's period also
   * count, their runs pulled back by edgeTrimBp at each end (a bin that sees an array's edge
   * within its feature window already reports its period). Unset: minShare, no trim.
   */
  edgeShare?: number;
  edgeTrimBp?: Bp;
}

/** Per-bin tandem features of one chromosome (raw values: bp and shares), as computed. */
export interface TandemTracks {
  period: Float32Array;
  share: Float32Array;
}

/**
 * Moves a region's ends to the array it sits on: the model decides *where* the call is, the
 * tandem period decides *how far* it reaches. P is the median tandem_period over the region's
 * bins with share ≥ minShare; array bins are those with share ≥ minShare and a period of P's
 * family (P, or a monomer or HOR of it: periodFamily.sameFamily); their runs, merged across
 * gaps of at most mergeGapBp, that overlap the region give its new ends. A probability
 * threshold alone stops short of aged, diverged array edges and runs on into young TE-rich
 * flanks (no period there), and a neighbouring array of another unit (5S, 45S, subtelomeric)
 * has another period. With edgeShare, the ends may reach further out through aged edges (see
 * PeriodRefinement). A region with no period evidence keeps its ends; its score stays the
 * model's.
 */
export function refineWithPeriod(r: Region, tandem: TandemTracks, binBp: Bp, length: Bp, refinement: PeriodRefinement): Region {
  const p = regionPeriod(r, tandem, binBp, refinement.minShare);
  if (p === undefined) return r;
  const { period, share } = tandem;
  const b0 = Math.floor(r.start / binBp);
  const b1 = Math.ceil(r.end / binBp);
  const gapBins = Math.floor(refinement.mergeGapBp / binBp);
  const arrayRuns = (least: number) =>
    mergedRuns(period.length, (b) => share[b]! >= least && sameFamily(period[b]!, p, refinement.periodTolerance), gapBins).filter(([s0, s1]) => s1 > b0 && s0 < b1);
  const core = arrayRuns(refinement.minShare);
  if (!core.length) return r;
  let start = core[0]![0];
  let end = core.at(-1)![1];
  const edgeShare = refinement.edgeShare ?? refinement.minShare;
  if (edgeShare < refinement.minShare) {
    const aged = arrayRuns(edgeShare);
    const trim = Math.round((refinement.edgeTrimBp ?? 0) / binBp);
    start = Math.min(start, aged[0]![0] + trim);
    end = Math.max(end, aged.at(-1)![1] - trim);
  }
  return withEnds(r, start * binBp, Math.min(end * binBp, length));
}

/**
 * The region's tandem period in bp: the median tandem_period over its bins with share ≥
 * minShare; undefined when none has that much period evidence.
 */
export function regionPeriod(r: Pick<Region, 'start' | 'end'>, tandem: TandemTracks, binBp: Bp, minShare: number): number | undefined {
  const periods: number[] = [];
  for (let b = Math.floor(r.start / binBp); b < Math.ceil(r.end / binBp); b++) if (tandem.share[b]! >= minShare) periods.push(tandem.period[b]!);
  return periods.length ? median(periods) : undefined;
}
