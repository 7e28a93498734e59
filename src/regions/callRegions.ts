import type { Bp } from '../genome.js';
import type { StitchedChromosome } from '../stitching/chromosomeStitcher.js';
import { median } from './median.js';
import { mergedRuns } from './mergedRuns.js';
import { withEnds } from './withEnds.js';
import { refineWithPeriod, type PeriodRefinement } from './refineWithPeriod.js';

export interface RegionParams {
  threshold: number;
  minRegionBp: Bp;
  mergeGapBp: Bp;
  /** Keep the N regions carrying the most probability mass per chromosome and label; 0 keeps all. */
  topN: number;
  /** Move each region's ends to the range head's estimate (needs StitchedChromosome.ranges). */
  refineWithRanges?: boolean;
  /** When no bin reaches `threshold`, call at this lower cut-off instead. */
  fallbackThreshold?: number;
  /** Move each region's ends to the array of its tandem period (needs StitchedChromosome.tandem). */
  refineWithPeriod?: PeriodRefinement;
  /**
   * Choose each chromosome's call genome-wide by the tandem period most chromosomes share
   * (sharedPeriodChoice.ts; needs refineWithPeriod and topN 1): see GenomeRegionCaller.
   */
  chooseBySharedPeriod?: boolean;
}

/** A called region, 0-based half-open. */
export interface Region {
  chrom: string;
  start: Bp;
  end: Bp;
  label: string;
  labelIndex: number;
  /** round(1000 × mean probability over the region's bins), 0…1000. */
  score: number;
  meanProb: number;
  /** Sum of the region's bin probabilities (expected bins of the label): what top-N ranks by. */
  massBins: number;
  maxProb: number;
  /** The highest-probability bin (first one on ties). */
  peakStart: Bp;
  peakEnd: Bp;
}

/**
 * Regions of one label: runs of bins with probability ≥ threshold, runs separated by at most
 * `mergeGapBp` merged, regions shorter than `minRegionBp` dropped, then the `topN` with the
 * largest probability mass kept. Mass rather than mean: a one-bin spike at 0.99 (a young TE
 * copy) must not outrank a 300-kb satellite array at 0.95. Returned sorted by start. With
 * `fallbackThreshold`, a chromosome none of whose bins reaches the threshold is called at the
 * fallback instead.
 */
export function callRegions(s: StitchedChromosome, labelIndex: number, params: RegionParams): Region[] {
  return topRegions(candidateRegions(s, labelIndex, params), params.topN).map((r) => refineRegion(s, r, params));
}

/** Every region of the label before top-N selection and edge refinement (see callRegions). */
export function candidateRegions(s: StitchedChromosome, labelIndex: number, params: RegionParams): Region[] {
  const p = s.probs[labelIndex]!;
  const { fallbackThreshold } = params;
  if (fallbackThreshold !== undefined && fallbackThreshold < params.threshold && !p.some((v) => v >= params.threshold)) {
    return candidateRegions(s, labelIndex, { ...params, threshold: fallbackThreshold, fallbackThreshold: undefined });
  }
  const { binBp } = s;
  const length = s.chrom.length;
  const runs = mergedRuns(p.length, (b) => p[b]! >= params.threshold, Math.floor(params.mergeGapBp / binBp));
  const regions: Region[] = [];
  for (const [b0, b1] of runs) {
    const start = b0 * binBp;
    const end = Math.min(b1 * binBp, length);
    if (end - start < params.minRegionBp) continue;
    let sum = 0;
    let peak = b0;
    for (let b = b0; b < b1; b++) {
      sum += p[b]!;
      if (p[b]! > p[peak]!) peak = b;
    }
    const meanProb = sum / (b1 - b0);
    regions.push({
      chrom: s.chrom.name,
      start,
      end,
      label: s.labels[labelIndex]!,
      labelIndex,
      score: Math.min(1000, Math.max(0, Math.round(1000 * meanProb))),
      meanProb,
      massBins: sum,
      maxProb: p[peak]!,
      peakStart: peak * binBp,
      peakEnd: Math.min((peak + 1) * binBp, length),
    });
  }
  return regions;
}

/** Regions by probability mass, largest first; ties to the earlier start. */
export function heavierFirst(a: Region, b: Region): number {
  return b.massBins - a.massBins || a.start - b.start;
}

/** The topN regions with the largest probability mass (all when topN is 0), sorted by start. */
function topRegions(regions: Region[], topN: number): Region[] {
  if (topN <= 0 || regions.length <= topN) return regions;
  return [...regions].sort(heavierFirst).slice(0, topN).sort((a, b) => a.start - b.start);
}

/** The region's ends moved by the edge refinements its params ask for (range head, then period). */
export function refineRegion(s: StitchedChromosome, r: Region, params: RegionParams): Region {
  const length = s.chrom.length;
  let out = r;
  if (params.refineWithRanges && s.ranges) out = refineWithRanges(out, s.ranges, s.binBp, length);
  if (params.refineWithPeriod && s.tandem) out = refineWithPeriod(out, s.tandem, s.binBp, length, params.refineWithPeriod);
  return out;
}

/** Bins farther than this from an edge cannot see it inside one segment's window. */
export const RANGE_REACH_BINS = 32;

/**
 * The range head's boundary estimate. Each bin predicts log1p(bins) from its centre to the
 * region's start and to its end, and a confidence logit that it lies inside one. An edge is
 * estimated from the bins that are confident and within RANGE_REACH_BINS of that edge (the
 * median of their estimates): a bin deep inside a 2-Mb array only guesses where its ends
 * are. A side with no such bin keeps its bin-level end.
 */
export function refineWithRanges(r: Region, ranges: Float32Array[], binBp: Bp, length: Bp): Region {
  const b0 = Math.floor(r.start / binBp);
  const b1 = Math.ceil(r.end / binBp);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let b = b0; b < b1; b++) {
    if (!(ranges[2]![b]! > 0)) continue;
    const centre = (b * binBp + Math.min((b + 1) * binBp, length)) / 2;
    const toStart = Math.expm1(ranges[0]![b]!);
    const toEnd = Math.expm1(ranges[1]![b]!);
    if (toStart <= RANGE_REACH_BINS) starts.push(centre - toStart * binBp);
    if (toEnd <= RANGE_REACH_BINS) ends.push(centre + toEnd * binBp);
  }
  const start = starts.length ? Math.max(0, Math.round(median(starts))) : r.start;
  const end = ends.length ? Math.min(length, Math.round(median(ends))) : r.end;
  return withEnds(r, start, end);
}
