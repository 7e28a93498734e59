import type { Bins, Bp } from '../genome.js';
import { ByteWriter } from './bigWigBytes.js';

/** Items per data section (and zoom records per zoom block): kent's default -itemsPerSlot. */
export const ITEMS_PER_SLOT = 1024;

/** bigWig section types (the `type` byte of a section header). */
const BED_GRAPH = 1;
const FIXED_STEP = 3;
const SECTION_HEADER_BYTES = 24;

/** One uncompressed data section and the range it covers (0-based, half-open). */
export interface DataSection {
  start: Bp;
  end: Bp;
  bytes: Buffer;
}

/**
 * One chromosome's per-bin values as bigWig data sections, in order. Each section holds at
 * most `itemsPerSlot` items; looking at the next `itemsPerSlot` runs of equal values, it is
 * whichever encoding is smaller for that stretch as a whole:
 *  - bedGraph (type 1): one 12-byte item per run of bit-identical values, like our bedGraph
 *    writer's merging, so flat stretches (assembly gaps, saturated calls) cost one item;
 *  - fixedStep (type 3, step = span = bin): 4 bytes per bin, for values that change every bin.
 * fixedStep spans are uniform, so the last bin of a chromosome whose length is not a multiple
 * of the bin always goes into a bedGraph item clipped to the chromosome's end.
 * Values are stored as the float32 they are, so every bin reads back bit-exact.
 */
export function* dataSections(chromId: number, length: Bp, binBp: Bp, values: Float32Array, itemsPerSlot = ITEMS_PER_SLOT, firstBin: Bins = 0): Generator<DataSection> {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const nBins = values.length;
  // `values` may cover bins [firstBin, firstBin + nBins) only (a track over one region): only
  // a run reaching the chromosome's end can hold its short last bin.
  const endsShort = length % binBp !== 0 && (firstBin + nBins) * binBp > length;
  const fullBins: Bins = endsShort ? nBins - 1 : nBins;
  const runEnd = (b: Bins): Bins => {
    let e = b + 1;
    while (e < nBins && bits[e] === bits[b]) e++;
    return e;
  };
  let b: Bins = 0;
  while (b < nBins) {
    let e = b;
    let runs = 0;
    while (e < nBins && runs < itemsPerSlot) {
      e = runEnd(e);
      runs++;
    }
    // 12 bytes per run against 4 per bin: bedGraph wins when runs average ≥ 3 bins.
    if (b >= fullBins || 3 * runs <= e - b) {
      yield bedGraphSection(chromId, length, binBp, values, b, e, runs, runEnd, firstBin);
      b = e;
    } else {
      const f = Math.min(b + itemsPerSlot, fullBins);
      yield fixedStepSection(chromId, binBp, values, b, f, firstBin);
      b = f;
    }
  }
}

function bedGraphSection(chromId: number, length: Bp, binBp: Bp, values: Float32Array, from: Bins, to: Bins, runs: number, runEnd: (b: Bins) => Bins, firstBin: Bins): DataSection {
  const start = (firstBin + from) * binBp;
  const end = Math.min((firstBin + to) * binBp, length);
  const w = new ByteWriter(SECTION_HEADER_BYTES + 12 * runs);
  w.u32(chromId).u32(start).u32(end).u32(0).u32(0).u8(BED_GRAPH).u8(0).u16(runs);
  for (let b = from; b < to; ) {
    const e = runEnd(b);
    w.u32((firstBin + b) * binBp).u32(Math.min((firstBin + e) * binBp, length)).f32(values[b]!);
    b = e;
  }
  return { start, end, bytes: w.done() };
}

function fixedStepSection(chromId: number, binBp: Bp, values: Float32Array, from: Bins, to: Bins, firstBin: Bins): DataSection {
  const start = (firstBin + from) * binBp;
  const end = (firstBin + to) * binBp;
  const w = new ByteWriter(SECTION_HEADER_BYTES + 4 * (to - from));
  w.u32(chromId).u32(start).u32(end).u32(binBp).u32(binBp).u8(FIXED_STEP).u8(0).u16(to - from);
  for (let b = from; b < to; b++) w.f32(values[b]!);
  return { start, end, bytes: w.done() };
}
