import { binCount, type Bp } from '../genome.js';
import type { Interval } from './intervals.js';

/** Length of bin `b` of a chromosome: binBp, except the last, short one. */
export function binLengthBp(b: number, lengthBp: Bp, binBp: Bp): Bp {
  return Math.min((b + 1) * binBp, lengthBp) - b * binBp;
}

/**
 * 1 for each bin at least half of whose bases are covered by `merged` (disjoint intervals),
 * else 0. "At least half" is measured against the bin's own length, so the last, short bin
 * is judged on its own bases; exactly half counts as covered. Integer arithmetic throughout,
 * so the 50% boundary is exact.
 */
export function binLabels(merged: readonly Interval[], lengthBp: Bp, binBp: Bp): Uint8Array {
  const bins = binCount(lengthBp, binBp);
  const covered = new Float64Array(bins);
  for (const { start, end } of merged) {
    const last = Math.min(Math.ceil(end / binBp), bins);
    for (let b = Math.floor(start / binBp); b < last; b++) {
      covered[b]! += Math.min(end, (b + 1) * binBp) - Math.max(start, b * binBp);
    }
  }
  const labels = new Uint8Array(bins);
  for (let b = 0; b < bins; b++) labels[b] = 2 * covered[b]! >= binLengthBp(b, lengthBp, binBp) ? 1 : 0;
  return labels;
}

/**
 * Adds value × (bases of [start, end) in each bin) to `sums`, the per-bin running
 * Σ value·bases of a bedGraph; `sums` must hold every bin the interval touches.
 */
export function addValueToBins(sums: Float64Array, start: Bp, end: Bp, value: number, binBp: Bp): void {
  if (value === 0 || end <= start) return;
  const last = Math.ceil(end / binBp);
  for (let b = Math.floor(start / binBp); b < last; b++) {
    sums[b]! += value * (Math.min(end, (b + 1) * binBp) - Math.max(start, b * binBp));
  }
}

/**
 * Per-bin mean of a bedGraph over each bin's bases, from the Σ value·bases of
 * `addValueToBins`. Bases without a value count as 0, so a bin half covered by 0.8 has mean
 * 0.4. `sums` may be shorter (a chromosome the bedGraph covers only partly, or not at all:
 * undefined) or longer (capacity) than the chromosome's bins.
 */
export function binMeans(sums: Float64Array | undefined, lengthBp: Bp, binBp: Bp): Float64Array {
  const bins = binCount(lengthBp, binBp);
  const means = new Float64Array(bins);
  if (!sums) return means;
  const n = Math.min(bins, sums.length);
  for (let b = 0; b < n; b++) means[b] = sums[b]! / binLengthBp(b, lengthBp, binBp);
  return means;
}
