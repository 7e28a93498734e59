import type { Bp, Chromosome } from '../genome.js';

/**
 * The variants one variety applies to one reference chromosome: REF spans [refStart, refEnd)
 * replaced by ALT bytes, sorted and non-overlapping (the order `bcftools consensus` applies
 * them in). Typed arrays, so a sample's edits cost 20 bytes each (REF start and end, ALT
 * offset, variety start) plus its ALT bases: a rice line with 3 M non-reference sites holds
 * ~65 MB.
 *
 * Coordinates: the variety's sequence is the reference with each edit's REF span replaced by
 * its ALT. Inside an edit the first min(REF, ALT) bases are aligned one to one (the padding
 * base of a VCF indel), the rest is inserted or deleted: the alignment `bcftools consensus
 * --chain` writes.
 */
export class ChromosomeEdits {
  /** Variety coordinate of each edit's first ALT base. */
  readonly varietyStart: Float64Array;
  readonly varietyLength: Bp;

  constructor(
    readonly reference: Chromosome,
    readonly refStart: Int32Array,
    readonly refEnd: Int32Array,
    /** ALT of edit i is alt[altOffset[i], altOffset[i + 1]). */
    readonly altOffset: Int32Array,
    readonly alt: Uint8Array,
  ) {
    const n = refStart.length;
    this.varietyStart = new Float64Array(n);
    let shift = 0;
    for (let i = 0; i < n; i++) {
      this.varietyStart[i] = refStart[i]! + shift;
      shift += altOffset[i + 1]! - altOffset[i]! - (refEnd[i]! - refStart[i]!);
    }
    this.varietyLength = reference.length + shift;
  }

  static none(reference: Chromosome): ChromosomeEdits {
    return new ChromosomeEdits(reference, new Int32Array(0), new Int32Array(0), new Int32Array(1), new Uint8Array(0));
  }

  get count(): number {
    return this.refStart.length;
  }

  altLength(i: number): Bp {
    return this.altOffset[i + 1]! - this.altOffset[i]!;
  }

  /** Whether every edit keeps the length (SNPs, MNPs): then both coordinate systems coincide. */
  get lengthPreserving(): boolean {
    for (let i = 0; i < this.count; i++) if (this.altLength(i) !== this.refEnd[i]! - this.refStart[i]!) return false;
    return true;
  }

  /** Index of the first edit whose variety span ends after `v` (binary search). */
  firstEditEndingAfter(v: Bp): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.varietyStart[mid]! + this.altLength(mid) > v) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Ungapped aligned blocks [refStart, refStart + length) ↔ [varStart, varStart + length),
   * adjacent ones merged: what a chain file's blocks say.
   */
  alignedBlocks(): { refStart: Bp; varStart: Bp; length: Bp }[] {
    const blocks: { refStart: Bp; varStart: Bp; length: Bp }[] = [];
    const add = (refStart: Bp, varStart: Bp, length: Bp) => {
      if (length <= 0) return;
      const last = blocks[blocks.length - 1];
      if (last && last.refStart + last.length === refStart && last.varStart + last.length === varStart) last.length += length;
      else blocks.push({ refStart, varStart, length });
    };
    let ref = 0;
    let v = 0;
    for (let i = 0; i < this.count; i++) {
      const rs = this.refStart[i]!;
      add(ref, v, rs - ref);
      v += rs - ref;
      const refLen = this.refEnd[i]! - rs;
      const altLen = this.altLength(i);
      add(rs, v, Math.min(refLen, altLen));
      ref = this.refEnd[i]!;
      v += altLen;
    }
    add(ref, v, this.reference.length - ref);
    return blocks;
  }
}

/** Collects one variety's edits of one chromosome in VCF order, skipping overlaps as bcftools consensus does. */
export class EditsBuilder {
  private starts: number[] = [];
  private ends: number[] = [];
  private offsets: number[] = [0];
  private bytes = new Uint8Array(1024);
  private used = 0;
  /** Last reference base (0-based, inclusive) covered by an applied edit. */
  private frozenTo = -1;

  constructor(readonly reference: Chromosome) {}

  /**
   * Applies REF [refStart, refEnd) → alt unless it overlaps an edit already applied (then
   * false: `bcftools consensus` skips such a site with a warning, and so do we, counting it).
   */
  add(refStart: Bp, refEnd: Bp, alt: Uint8Array): boolean {
    if (refStart <= this.frozenTo) return false;
    this.starts.push(refStart);
    this.ends.push(refEnd);
    if (this.used + alt.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + alt.length));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(alt, this.used);
    this.used += alt.length;
    this.offsets.push(this.used);
    this.frozenTo = refEnd - 1;
    return true;
  }

  finish(): ChromosomeEdits {
    return new ChromosomeEdits(this.reference, Int32Array.from(this.starts), Int32Array.from(this.ends), Int32Array.from(this.offsets), this.bytes.slice(0, this.used));
  }
}
