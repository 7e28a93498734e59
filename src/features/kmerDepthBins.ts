import type { Bp } from '../genome.js';
import { BASE_CODE } from './canonicalKmerHashes.js';

export interface BinnedKmerFeature {
  /** 100 × highlighted bases / bin length, per bin. */
  highlightedPercent: Float32Array;
  /** Mean depth_k over the bin's bases, per bin. */
  depthAvg: Float32Array;
}

/**
 * Per bin and per k, how many bases some valid k-mer covers: exactly the bases of A/C/G/T runs
 * (either case) at least k long. Where no repeated k-mer covers a base, depth_k is this 0/1,
 * so the per-base sliding maximum is only needed near repeats. One scan serves every k.
 */
export function coveredBasesPerBin(bases: Uint8Array, ks: readonly number[], binBp: Bp): Float64Array[] {
  const n = bases.length;
  const nBins = Math.ceil(n / binBp);
  const covered = ks.map(() => new Float64Array(nBins));
  for (let i = 0; i < n; i++) {
    if (BASE_CODE[bases[i]!] === 255) continue;
    const runStart = i;
    while (i < n && BASE_CODE[bases[i]!] !== 255) i++;
    const length = i - runStart;
    for (let j = 0; j < ks.length; j++) if (length >= ks[j]!) addToBins(covered[j]!, runStart, i, binBp, 1);
  }
  return covered;
}

/** bins[b] += weight × |[from, to) ∩ bin b|. */
function addToBins(bins: Float64Array, from: Bp, to: Bp, binBp: Bp, weight: number): void {
  let bin = Math.floor(from / binBp);
  for (let s = from; s < to; bin++) {
    const end = Math.min((bin + 1) * binBp, to);
    bins[bin] += weight * (end - s);
    s = end;
  }
}

/**
 * DESIGN.md's two features at one k, from `covered` (coveredBasesPerBin) and the starts whose
 * count_k ≥ 2 (`repeatStarts[0..r)` ascending, `repeatCounts` alongside). depth_k(q) is the
 * largest count_k over starts q−k+1…q; bases no repeated start covers have depth 0/1 as
 * `covered` says, the others are highlighted with depth − 1 more. The maximum over repeated
 * starts is a monotonic deque walked event by event (a start entering, the front leaving),
 * adding whole constant-depth stretches to bins. Sums are integers in doubles (exact), so the
 * bin values equal a base-by-base sum's.
 */
export function binRepeatDepth(repeatStarts: Uint32Array, repeatCounts: Uint32Array, r: number, k: number, n: Bp, binBp: Bp, covered: Float64Array): BinnedKmerFeature {
  const nBins = Math.ceil(n / binBp);
  const highlighted = new Float64Array(nBins);
  const extraDepth = new Float64Array(nBins);
  let size = 1;
  while (size < k + 1) size <<= 1; // the deque holds starts within one window: ≤ k
  const ring = new Uint32Array(size);
  const mask = size - 1;
  for (let i = 0; i < r; ) {
    let head = 0;
    let tail = 0;
    let q = repeatStarts[i]!;
    for (;;) {
      for (; i < r && repeatStarts[i]! <= q; i++) {
        const c = repeatCounts[i]!;
        while (tail !== head && repeatCounts[ring[(tail - 1) & mask]!]! <= c) tail = (tail - 1) & mask;
        ring[tail] = i;
        tail = (tail + 1) & mask;
      }
      while (tail !== head && repeatStarts[ring[head]!]! + k <= q) head = (head + 1) & mask;
      if (tail === head) break; // gap before the next repeated start
      const front = ring[head]!;
      let next = repeatStarts[front]! + k;
      if (i < r && repeatStarts[i]! < next) next = repeatStarts[i]!;
      addToBins(highlighted, q, next, binBp, 1);
      addToBins(extraDepth, q, next, binBp, repeatCounts[front]! - 1);
      q = next;
    }
  }
  const highlightedPercent = new Float32Array(nBins);
  const depthAvg = new Float32Array(nBins);
  for (let bin = 0; bin < nBins; bin++) {
    const length = Math.min(binBp, n - bin * binBp);
    highlightedPercent[bin] = (100 * highlighted[bin]!) / length;
    depthAvg[bin] = (covered[bin]! + extraDepth[bin]!) / length;
  }
  return { highlightedPercent, depthAvg };
}
