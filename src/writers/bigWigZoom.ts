import type { Bins, Bp } from '../genome.js';
import { bufferViews, MAX_UINT32 } from './bigWigBytes.js';

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
 * whole-chromosome view then reads a handful of records, never the data), or before a level
 * that would not halve the records of the one below it (a record per chromosome at least:
 * an assembly of 20,000 short scaffolds has 20,000 records at every level, and each further
 * level costs as much to write as the first and saves a reader nothing).
 */
export function zoomReductions(binBp: Bp, lengths: readonly Bp[]): Bp[] {
  const longest = lengths.reduce((m, l) => Math.max(m, l), 0);
  const records = (r: Bp) => lengths.reduce((n, l) => n + Math.ceil(l / r), 0);
  const out: Bp[] = [];
  let r = binBp * FIRST_ZOOM_BINS;
  let below = Infinity;
  while (longest > 0 && out.length < MAX_ZOOM_LEVELS && r <= MAX_UINT32) {
    const count = records(r);
    if (count > below / 2) break;
    out.push(r);
    if (r >= longest) break;
    below = count;
    r *= ZOOM_INCREMENT;
  }
  return out;
}

/**
 * Summary records of one zoom level over one chromosome: record i covers [start, end) —
 * consecutive multiples of the reduction, the last clipped to the chromosome's end. Kept in
 * float64 while reducing; written as the format's float32. One flat array (record i's fields
 * at i × ZOOM_FIELDS + START…SUM_SQUARES), not one array per field: a short scaffold has one
 * record per level, and 20,000 of them allocating seven arrays per level kept the garbage
 * collector busy.
 */
export interface ZoomRecords {
  count: number;
  /** At least count × ZOOM_FIELDS values (a reused scratch array may be longer). */
  data: Float64Array;
}

export const ZOOM_FIELDS = 7;
/** Typed arrays store in the host's byte order; the file is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
export const START = 0;
export const END = 1;
/** Bases with data (every base of the record: our tracks cover each chromosome). */
const VALID = 2;
const MIN = 3;
const MAX = 4;
/** Σ value × bases. */
const SUM = 5;
/** Σ value² × bases. */
const SUM_SQUARES = 6;

/** `into` (a scratch array the caller reuses; records past `count` are stale) when it has room for `count` records. */
function room(count: number, into: Float64Array | undefined): Float64Array {
  return into && into.length >= count * ZOOM_FIELDS ? into : new Float64Array(count * ZOOM_FIELDS);
}

/** The first zoom level straight from the bins (`reduction` a multiple of `binBp`). */
export function zoomFromBins(values: Float32Array, binBp: Bp, length: Bp, reduction: Bp, firstBin: Bins = 0, into?: Float64Array): ZoomRecords {
  const binsPer: Bins = reduction / binBp;
  const count = Math.ceil(values.length / binsPer);
  const data = room(count, into);
  // `values` covers bins [firstBin, firstBin + values.length): records start where it starts.
  const origin = firstBin * binBp;
  for (let i = 0; i < count; i++) {
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
    const r = i * ZOOM_FIELDS;
    data[r + START] = origin + from * binBp;
    data[r + END] = Math.min(origin + to * binBp, length);
    data[r + VALID] = data[r + END]! - data[r + START]!;
    data[r + MIN] = min;
    data[r + MAX] = max;
    data[r + SUM] = sum;
    data[r + SUM_SQUARES] = sumSq;
  }
  return { count, data };
}

/** The next zoom level: every `factor` consecutive records folded into one (as kent's bbiSummarySimpleReduce). */
export function zoomFromZoom(lower: ZoomRecords, factor: number, into?: Float64Array): ZoomRecords {
  const count = Math.ceil(lower.count / factor);
  const data = room(count, into);
  const l = lower.data;
  for (let i = 0; i < count; i++) {
    const from = i * factor;
    const to = Math.min(from + factor, lower.count);
    let min = Infinity;
    let max = -Infinity;
    let valid = 0;
    let sum = 0;
    let sumSq = 0;
    for (let j = from; j < to; j++) {
      const q = j * ZOOM_FIELDS;
      min = Math.min(min, l[q + MIN]!);
      max = Math.max(max, l[q + MAX]!);
      valid += l[q + VALID]!;
      sum += l[q + SUM]!;
      sumSq += l[q + SUM_SQUARES]!;
    }
    const r = i * ZOOM_FIELDS;
    data[r + START] = l[from * ZOOM_FIELDS + START]!;
    data[r + END] = l[(to - 1) * ZOOM_FIELDS + END]!;
    data[r + VALID] = valid;
    data[r + MIN] = min;
    data[r + MAX] = max;
    data[r + SUM] = sum;
    data[r + SUM_SQUARES] = sumSq;
  }
  return { count, data };
}

/** Record i's start or end (START, END). */
export function zoomField(z: ZoomRecords, i: number, field: typeof START | typeof END): Bp {
  return z.data[i * ZOOM_FIELDS + field]!;
}

/**
 * Writes records [from, to) into `target` at byte `at` in the on-disk layout (chromId, start,
 * end, validCount, min, max, sum, sumSquares); returns the byte after them.
 */
export function writeZoomRecords(target: Buffer, at: number, chromId: number, z: ZoomRecords, from: number, to: number): number {
  const d = z.data;
  if (LITTLE_ENDIAN && (target.byteOffset + at) % 4 === 0) {
    // Typed-array stores: several times faster than Buffer's write methods, 8 per record.
    const words = (to - from) * (ZOOM_RECORD_BYTES / 4);
    const { u32, f32 } = bufferViews(target.buffer);
    for (let i = from, w = (target.byteOffset + at) / 4; i < to; i++, w += 8) {
      const r = i * ZOOM_FIELDS;
      u32[w] = chromId;
      u32[w + 1] = d[r + START]!;
      u32[w + 2] = d[r + END]!;
      u32[w + 3] = d[r + VALID]!;
      f32[w + 4] = d[r + MIN]!;
      f32[w + 5] = d[r + MAX]!;
      f32[w + 6] = d[r + SUM]!;
      f32[w + 7] = d[r + SUM_SQUARES]!;
    }
    return at + words * 4;
  }
  for (let i = from; i < to; i++) {
    const r = i * ZOOM_FIELDS;
    target.writeUInt32LE(chromId, at);
    target.writeUInt32LE(d[r + START]!, at + 4);
    target.writeUInt32LE(d[r + END]!, at + 8);
    target.writeUInt32LE(d[r + VALID]!, at + 12);
    target.writeFloatLE(d[r + MIN]!, at + 16);
    target.writeFloatLE(d[r + MAX]!, at + 20);
    target.writeFloatLE(d[r + SUM]!, at + 24);
    target.writeFloatLE(d[r + SUM_SQUARES]!, at + 28);
    at += ZOOM_RECORD_BYTES;
  }
  return at;
}
