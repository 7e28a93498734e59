import type { Bp } from '../genome.js';
import type { StitchedChromosome } from '../stitching/chromosomeStitcher.js';

export interface RegionParams {
  threshold: number;
  minRegionBp: Bp;
  mergeGapBp: Bp;
  /** Keep the best N regions per chromosome and label; 0 keeps all. */
  topN: number;
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
  maxProb: number;
  /** The highest-probability bin (first one on ties). */
  peakStart: Bp;
  peakEnd: Bp;
}

/**
 * Regions of one label: runs of bins with probability ≥ threshold, runs separated by at most
 * `mergeGapBp` merged, regions shorter than `minRegionBp` dropped, then the `topN` best by
 * score kept. Returned sorted by start.
 */
export function callRegions(s: StitchedChromosome, labelIndex: number, params: RegionParams): Region[] {
  const p = s.probs[labelIndex]!;
  const { binBp } = s;
  const length = s.chrom.length;
  const runs: [number, number][] = [];
  for (let b = 0; b < p.length; ) {
    if (p[b]! < params.threshold) {
      b++;
      continue;
    }
    let e = b;
    while (e < p.length && p[e]! >= params.threshold) e++;
    const last = runs.at(-1);
    if (last && (b - last[1]) * binBp <= params.mergeGapBp) last[1] = e;
    else runs.push([b, e]);
    b = e;
  }
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
      maxProb: p[peak]!,
      peakStart: peak * binBp,
      peakEnd: Math.min((peak + 1) * binBp, length),
    });
  }
  if (params.topN > 0 && regions.length > params.topN) {
    const best = [...regions].sort((a, b) => b.meanProb - a.meanProb || a.start - b.start).slice(0, params.topN);
    return best.sort((a, b) => a.start - b.start);
  }
  return regions;
}
