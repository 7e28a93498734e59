import type { Bins, Bp } from '../genome.js';

/** Items per data section (and zoom records per zoom block): kent's default -itemsPerSlot. */
export const ITEMS_PER_SLOT = 1024;

/** bigWig section types (the `type` byte of a section header). */
const BED_GRAPH = 1;
const FIXED_STEP = 3;
const SECTION_HEADER_BYTES = 24;

/**
 * One data section of a chromosome's values, planned: its type, the bins [from, to) of
 * `values` it holds, the range it covers (0-based, half-open) and its size uncompressed.
 */
export interface SectionPlan {
  type: typeof BED_GRAPH | typeof FIXED_STEP;
  from: Bins;
  to: Bins;
  /** Items: runs of equal values (bedGraph) or bins (fixedStep). */
  items: number;
  start: Bp;
  end: Bp;
  bytes: number;
}

/** A section's values as bigWig stores them: bit-identical float32 (so -0 is not 0; NaN is refused before). */
function same(a: number, b: number): boolean {
  return a === b && (a !== 0 || 1 / a === 1 / b);
}

/** The end of the run of equal values starting at bin b. */
function runEnd(values: Float32Array, b: Bins): Bins {
  let e = b + 1;
  while (e < values.length && same(values[e]!, values[b]!)) e++;
  return e;
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
 * `values` covers bins [firstBin, firstBin + values.length) (a track over one region).
 * Planned first, written by writeSection: a short scaffold's section goes straight into the
 * file's staging buffer, with no buffer of its own.
 */
export function planSections(length: Bp, binBp: Bp, values: Float32Array, itemsPerSlot = ITEMS_PER_SLOT, firstBin: Bins = 0): SectionPlan[] {
  const nBins = values.length;
  // Only a run reaching the chromosome's end can hold its short last bin.
  const endsShort = length % binBp !== 0 && (firstBin + nBins) * binBp > length;
  const fullBins: Bins = endsShort ? nBins - 1 : nBins;
  const plans: SectionPlan[] = [];
  let b: Bins = 0;
  while (b < nBins) {
    let e = b;
    let runs = 0;
    while (e < nBins && runs < itemsPerSlot) {
      e = runEnd(values, e);
      runs++;
    }
    const start = (firstBin + b) * binBp;
    // 12 bytes per run against 4 per bin: bedGraph wins when runs average ≥ 3 bins.
    if (b >= fullBins || 3 * runs <= e - b) {
      plans.push({ type: BED_GRAPH, from: b, to: e, items: runs, start, end: Math.min((firstBin + e) * binBp, length), bytes: SECTION_HEADER_BYTES + 12 * runs });
      b = e;
    } else {
      const f = Math.min(b + itemsPerSlot, fullBins);
      plans.push({ type: FIXED_STEP, from: b, to: f, items: f - b, start, end: (firstBin + f) * binBp, bytes: SECTION_HEADER_BYTES + 4 * (f - b) });
      b = f;
    }
  }
  return plans;
}

/**
 * Writes a planned section (planSections, same values) into `view` at byte `at`,
 * little-endian; returns the byte after it.
 */
export function writeSection(view: DataView, at: number, chromId: number, length: Bp, binBp: Bp, values: Float32Array, plan: SectionPlan, firstBin: Bins = 0): number {
  view.setUint32(at, chromId, true);
  view.setUint32(at + 4, plan.start, true);
  view.setUint32(at + 8, plan.end, true);
  const step = plan.type === FIXED_STEP ? binBp : 0;
  view.setUint32(at + 12, step, true); // itemStep, itemSpan: fixedStep only
  view.setUint32(at + 16, step, true);
  view.setUint8(at + 20, plan.type);
  view.setUint8(at + 21, 0);
  view.setUint16(at + 22, plan.items, true);
  at += SECTION_HEADER_BYTES;
  if (plan.type === FIXED_STEP) {
    for (let b = plan.from; b < plan.to; b++, at += 4) view.setFloat32(at, values[b]!, true);
    return at;
  }
  for (let b = plan.from; b < plan.to; at += 12) {
    const e = runEnd(values, b);
    view.setUint32(at, (firstBin + b) * binBp, true);
    view.setUint32(at + 4, Math.min((firstBin + e) * binBp, length), true);
    view.setFloat32(at + 8, values[b]!, true);
    b = e;
  }
  return at;
}

/** A planned section in a buffer of its own (a section to deflate). */
export function sectionBytes(chromId: number, length: Bp, binBp: Bp, values: Float32Array, plan: SectionPlan, firstBin: Bins = 0): Buffer {
  const bytes = Buffer.allocUnsafe(plan.bytes);
  const end = writeSection(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), 0, chromId, length, binBp, values, plan, firstBin);
  if (end !== plan.bytes) throw new Error(`bigWig: wrote ${end} bytes of a ${plan.bytes}-byte section`);
  return bytes;
}
