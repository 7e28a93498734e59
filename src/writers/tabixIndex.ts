import { bgzfBytes } from './bgzfWriter.js';

/** Linear-index window (16 kb) and the binning scheme's depth: tabix's defaults (min_shift 14, depth 5). */
const LINEAR_SHIFT = 14;

/** The smallest UCSC bin holding [beg, end) (0-based half-open), as tabix computes it. */
export function regionBin(beg: number, end: number): number {
  const last = end - 1;
  if (beg >> 14 === last >> 14) return 4681 + (beg >> 14);
  if (beg >> 17 === last >> 17) return 585 + (beg >> 17);
  if (beg >> 20 === last >> 20) return 73 + (beg >> 20);
  if (beg >> 23 === last >> 23) return 9 + (beg >> 23);
  if (beg >> 26 === last >> 26) return 1 + (beg >> 26);
  return 0;
}

interface SequenceIndex {
  /** bin → chunks [start, end) of virtual offsets. */
  bins: Map<number, [bigint, bigint][]>;
  /** 16-kb window → virtual offset of the first record overlapping it. */
  linear: bigint[];
}

/**
 * A tabix (.tbi) index of a bgzipped VCF, built while its records are written in order: each
 * record adds its span and its virtual offsets. What `tabix -p vcf` would write, except for
 * the optional per-sequence statistics pseudo-bin, which readers do not need.
 */
export class TabixIndexBuilder {
  private readonly sequences = new Map<string, SequenceIndex>();
  private readonly order: string[] = [];

  /** A record of `chrom` spanning [beg, end) (0-based), stored at virtual offsets [start, end). */
  add(chrom: string, beg: number, end: number, start: bigint, stop: bigint): void {
    let seq = this.sequences.get(chrom);
    if (!seq) {
      seq = { bins: new Map(), linear: [] };
      this.sequences.set(chrom, seq);
      this.order.push(chrom);
    }
    const bin = regionBin(beg, Math.max(end, beg + 1));
    let chunks = seq.bins.get(bin);
    if (!chunks) seq.bins.set(bin, (chunks = []));
    const last = chunks[chunks.length - 1];
    if (last && last[1] === start) last[1] = stop;
    else chunks.push([start, stop]);
    for (let w = beg >> LINEAR_SHIFT; w <= (Math.max(end, beg + 1) - 1) >> LINEAR_SHIFT; w++) {
      if (seq.linear[w] === undefined) seq.linear[w] = start;
    }
  }

  /** The .tbi file's bytes (BGZF-compressed). */
  bytes(): Buffer {
    const parts: Buffer[] = [];
    const int32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      parts.push(b);
    };
    const uint64 = (v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      parts.push(b);
    };
    parts.push(Buffer.from('TBI\x01', 'latin1'));
    int32(this.order.length);
    // format 2 (VCF), sequence column 1, begin column 2, end column 0, meta '#', skip 0
    [2, 1, 2, 0, 0x23, 0].forEach(int32);
    const names = Buffer.from(this.order.map((n) => `${n}\0`).join(''), 'utf8');
    int32(names.length);
    parts.push(names);
    for (const name of this.order) {
      const seq = this.sequences.get(name)!;
      int32(seq.bins.size);
      for (const [bin, chunks] of [...seq.bins.entries()].sort((a, b) => a[0] - b[0])) {
        int32(bin);
        int32(chunks.length);
        for (const [s, e] of chunks) {
          uint64(s);
          uint64(e);
        }
      }
      // Windows no record overlaps take the previous window's offset (as htslib fills them).
      const linear = seq.linear;
      for (let w = 1; w < linear.length; w++) if (linear[w] === undefined) linear[w] = linear[w - 1];
      int32(linear.length);
      for (const off of linear) uint64(off ?? 0n);
    }
    return bgzfBytes(Buffer.concat(parts));
  }
}
