import type { Bp } from '../genome.js';
import { CoordinateMap } from './coordinateMap.js';
import type { Random } from './random.js';
import { BASE_A, BASE_C, BASE_G, BASE_N, BASE_T } from './sequenceSynth.js';

/**
 * Derives a variety's chromosome from the base chromosome in one streaming pass: a few planned
 * structural edits (whole-array deletions, array expansions, arm indels) plus SNPs and small
 * indels drawn on the way. The result goes into a reusable output buffer; the pass returns a
 * CoordinateMap that carries the base's truth intervals onto the variety.
 *
 * Small variants keep to a few rules so that each difference from the base has one reading
 * (which is what lets a test recount them by walking the two sequences):
 *   - events lie at least SMALL_SPACING_BP apart, and that far from every structural edit;
 *   - they never touch N or the bases next to an N run (gaps stay exact runs of N);
 *   - a SNP keeps the case of its base; inserted bases are lowercase only when both bases
 *     around the insertion are, i.e. exactly when it lands inside a soft-masked feature.
 */

/** A structural edit in base coordinates: a deletion of [startBp, endBp), or an insertion of `bases` at startBp (endBp = startBp). */
export interface StructuralEdit {
  startBp: Bp;
  endBp: Bp;
  bases?: Uint8Array;
  cause: string;
}

export interface SmallVariantModel {
  /** SNPs and small indels per base (before the spacing rule thins them slightly). */
  snpRate: number;
  indelRate: number;
  /** Indels are 1…maxIndelBp long, shorter ones more often. */
  maxIndelBp: Bp;
  /** G+C fraction of inserted bases. */
  gc: number;
}

export interface VariantCounts {
  lengthBp: Bp;
  snps: number;
  indels: number;
  map: CoordinateMap;
}

export const SMALL_SPACING_BP = 25;

/** A SNP's alternative base: a transition (A↔G, C↔T) two times in three, else either transversion. */
const TRANSITION: Record<number, number> = { [BASE_A]: BASE_G, [BASE_G]: BASE_A, [BASE_C]: BASE_T, [BASE_T]: BASE_C };
const TRANSVERSIONS: Record<number, [number, number]> = {
  [BASE_A]: [BASE_C, BASE_T],
  [BASE_G]: [BASE_C, BASE_T],
  [BASE_C]: [BASE_A, BASE_G],
  [BASE_T]: [BASE_A, BASE_G],
};

/** A byte buffer that grows as it is appended to; reused from chromosome to chromosome. */
export class GrowableBytes {
  bytes = new Uint8Array(0);
  length = 0;

  reset(capacity: number): void {
    this.length = 0;
    this.reserve(capacity);
  }

  reserve(capacity: number): void {
    if (capacity <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(capacity, Math.ceil(this.bytes.length * 1.25)));
    bytes.set(this.bytes.subarray(0, this.length));
    this.bytes = bytes;
  }

  append(src: Uint8Array): void {
    this.reserve(this.length + src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }

  push(b: number): void {
    if (this.length === this.bytes.length) this.reserve(this.length + 1);
    this.bytes[this.length++] = b;
  }

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

const isN = (b: number) => (b & 0xdf) === BASE_N;
const isLower = (b: number) => b >= 97;

/**
 * Writes base with `edits` (sorted, disjoint) and small variants applied into `out`. Small
 * variants are drawn from `random` only, so a variety's chromosome depends on nothing else.
 */
export function applyVariants(base: Uint8Array, edits: readonly StructuralEdit[], model: SmallVariantModel, random: Random, out: GrowableBytes): VariantCounts {
  const rate = model.snpRate + model.indelRate;
  // The spacing adds SMALL_SPACING_BP to every distance drawn: aim the draw higher to keep the rate.
  const drawRate = rate > 0 ? Math.min(1, rate / Math.max(1e-9, 1 - SMALL_SPACING_BP * rate)) : 0;
  const inserted = edits.reduce((s, e) => s + (e.bases?.length ?? 0), 0);
  out.reset(base.length + inserted + Math.ceil(base.length * model.indelRate * model.maxIndelBp) + 1024);
  const pass = new VariantPass(base, model, random, out);
  let q = 1 + random.geometric(drawRate);
  for (const edit of [...edits, undefined]) {
    const limit = edit ? edit.startBp - SMALL_SPACING_BP : base.length - SMALL_SPACING_BP;
    for (; q < limit; q = pass.variantAt(q, limit) + SMALL_SPACING_BP + random.geometric(drawRate));
    if (edit) {
      pass.edit(edit);
      q = Math.max(q, edit.endBp + SMALL_SPACING_BP);
    }
  }
  pass.copyTo(base.length);
  return { lengthBp: out.length, snps: pass.snps, indels: pass.indels, map: pass.map };
}

/** The state of one pass: base[0, copied) has been written to `out`, with its variants. */
class VariantPass {
  readonly map = new CoordinateMap();
  snps = 0;
  indels = 0;
  private copied = 0;

  constructor(
    private readonly base: Uint8Array,
    private readonly model: SmallVariantModel,
    private readonly random: Random,
    private readonly out: GrowableBytes,
  ) {}

  copyTo(pos: Bp): void {
    this.out.append(this.base.subarray(this.copied, pos));
    this.copied = pos;
  }

  edit(edit: StructuralEdit): void {
    this.copyTo(edit.startBp);
    if (edit.bases) {
      this.out.append(edit.bases);
      this.map.insertion(edit.startBp, edit.bases.length);
    } else {
      this.map.deletion(edit.startBp, edit.endBp - edit.startBp);
    }
    this.copied = edit.endBp;
  }

  /**
   * A SNP or small indel at base position q (an insertion goes before base q), skipped when it
   * would touch N or reach `limit`. Returns the base position where the next one may be placed from.
   */
  variantAt(q: Bp, limit: Bp): Bp {
    const { base, model, random, out } = this;
    if (random.next() * (model.snpRate + model.indelRate) < model.snpRate) {
      const b = base[q]!;
      const upper = b & 0xdf;
      if (TRANSITION[upper] === undefined) return q;
      this.copyTo(q);
      out.push((random.next() < 2 / 3 ? TRANSITION[upper]! : TRANSVERSIONS[upper]![random.int(0, 1)]!) | (b & 0x20));
      this.copied = q + 1;
      this.snps++;
      return q + 1;
    }
    let lengthBp: Bp;
    do lengthBp = 1 + random.geometric(0.3);
    while (lengthBp > model.maxIndelBp);
    const insertion = random.chance(0.5);
    const after = insertion ? q : q + lengthBp; // the first kept base after the event
    if (after >= limit) return q;
    for (let i = q - 1; i <= after; i++) if (isN(base[i]!)) return q;
    this.copyTo(q);
    this.indels++;
    if (!insertion) {
      this.map.deletion(q, lengthBp);
      this.copied = after;
      return after;
    }
    const mask = isLower(base[q - 1]!) && isLower(base[q]!) ? 0x20 : 0;
    const c = model.gc / 2;
    const a = model.gc + (1 - model.gc) / 2;
    for (let i = 0; i < lengthBp; i++) {
      const r = random.next();
      out.push((r < c ? BASE_C : r < model.gc ? BASE_G : r < a ? BASE_A : BASE_T) | mask);
    }
    this.map.insertion(q, lengthBp);
    return q;
  }
}
