import type { Bins, Bp } from '../genome.js';
import { ByteWriter, MAX_UINT32 } from './bigWigBytes.js';

/** bbi files hold at most ten zoom levels (kent's bbiMaxZoomLevels); space for ten is reserved. */
export const MAX_ZOOM_LEVELS = 10;
/** Each zoom level summarizes this many times more bases than the one below (kent's bbiResIncrement). */
export const ZOOM_INCREMENT = 4;
export const ZOOM_RECORD_BYTES = 32;

/**
 * Bins summarized by one record of the first zoom level. Kent's writers pick the first
 * reduction so that the zoom data comes out smaller than the data itself; a 32-byte record
 * per 16 bins is half of fixedStep's 4 bytes per bin. (At 4 bins per record, the example
 * model's zoom levels measured 2.7× the compressed data: the records' float32 sums hardly
 * compress.)
 */
export const FIRST_ZOOM_BINS = 16;

/**
 * Zoom reductions in bp: 16×, 64×, 256×… the bin, up to ten levels, stopping at the first
 * level that summarizes the longest chromosome in a single record (a genome browser's
 * whole-chromosome view then reads a handful of records, never the data).
 */
export function zoomReductions(binBp: Bp, longest: Bp): Bp[] {
  const out: Bp[] = [];
  let r = binBp * FIRST_ZOOM_BINS;
  while (longest > 0 && out.length < MAX_ZOOM_LEVELS && r <= MAX_UINT32) {
    out.push(r);
    if (r >= longest) break;
    r *= ZOOM_INCREMENT;
  }
  return out;
}

/**
 * Summary records of one zoom level over one chromosome: record i covers [starts[i], ends[i])
 * — consecutive multiples of the reduction, the last clipped to the chromosome's end.
 * Kept in float64 while reducing; written as the format's float32.
 */
export interface ZoomRecords {
  count: number;
  starts: Float64Array;
  ends: Float64Array;
  /** Bases with data (every base of the record: our tracks cover each chromosome). */
  validCounts: Float64Array;
  mins: Float64Array;
  maxs: Float64Array;
  /** Σ value × bases. */
  sums: Float64Array;
  /** Σ value² × bases. */
  sumSquares: Float64Array;
}

function allocate(count: number): ZoomRecords {
  const a = () => new Float64Array(count);
  return { count, starts: a(), ends: a(), validCounts: a(), mins: a(), maxs: a(), sums: a(), sumSquares: a() };
}

/** The first zoom level straight from the bins (`reduction` a multiple of `binBp`). */
export function zoomFromBins(values: Float32Array, binBp: Bp, length: Bp, reduction: Bp, firstBin: Bins = 0): ZoomRecords {
  const binsPer: Bins = reduction / binBp;
  const z = allocate(Math.ceil(values.length / binsPer));
  // `values` covers bins [firstBin, firstBin + values.length): records start where it starts.
  const origin = firstBin * binBp;
  for (let i = 0; i < z.count; i++) {
    const from = i * binsPer;
    const to = Math.min(from + binsPer, values.length);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSq = 0;
    for (let b = from; b < to; b++) {
      const v = values[b]!;
      const bases = Math.min(binBp, length - origin - b * binBp);
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v * bases;
      sumSq += v * v * bases;
    }
    z.starts[i] = origin + from * binBp;
    z.ends[i] = Math.min(origin + to * binBp, length);
    z.validCounts[i] = z.ends[i]! - z.starts[i]!;
    z.mins[i] = min;
    z.maxs[i] = max;
    z.sums[i] = sum;
    z.sumSquares[i] = sumSq;
  }
  return z;
}

/** The next zoom level: every `factor` consecutive records folded into one (as kent's bbiSummarySimpleReduce). */
export function zoomFromZoom(lower: ZoomRecords, factor: number): ZoomRecords {
  const z = allocate(Math.ceil(lower.count / factor));
  for (let i = 0; i < z.count; i++) {
    const from = i * factor;
    const to = Math.min(from + factor, lower.count);
    let min = Infinity;
    let max = -Infinity;
    let valid = 0;
    let sum = 0;
    let sumSq = 0;
    for (let j = from; j < to; j++) {
      min = Math.min(min, lower.mins[j]!);
      max = Math.max(max, lower.maxs[j]!);
      valid += lower.validCounts[j]!;
      sum += lower.sums[j]!;
      sumSq += lower.sumSquares[j]!;
    }
    z.starts[i] = lower.starts[from]!;
    z.ends[i] = lower.ends[to - 1]!;
    z.validCounts[i] = valid;
    z.mins[i] = min;
    z.maxs[i] = max;
    z.sums[i] = sum;
    z.sumSquares[i] = sumSq;
  }
  return z;
}

/** Records [from, to) in the on-disk layout (chromId, start, end, validCount, min, max, sum, sumSquares). */
export function zoomBlockBytes(chromId: number, z: ZoomRecords, from: number, to: number): Buffer {
  const w = new ByteWriter((to - from) * ZOOM_RECORD_BYTES);
  for (let i = from; i < to; i++) {
    w.u32(chromId).u32(z.starts[i]!).u32(z.ends[i]!).u32(z.validCounts[i]!);
    w.f32(z.mins[i]!).f32(z.maxs[i]!).f32(z.sums[i]!).f32(z.sumSquares[i]!);
  }
  return w.done();
}
