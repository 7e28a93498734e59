import { ID_MASK, hashAllKmers } from './canonicalKmerHashes.js';
import { HashGroupScratch, countHashGroups } from './kmerHashGroups.js';

/** Workspace words per base: pairs (2), low halves then counts (1), a mark byte (¼). */
const WORDS_PER_BASE = 3.25;

/**
 * Reusable memory for counting one chromosome's k-mers: 13 bytes per base, allocated once per
 * worker and grown to the largest chromosome (fresh arrays per chromosome and k cost page
 * faults and GC, and would double the peak). Callers carve regions out of `words`; see
 * countAllKmers and kmerRepeatLevels for the layouts.
 */
export class KmerWorkspace {
  private capacity = 0;
  words = new Uint32Array(0);
  readonly groupScratch = new HashGroupScratch();

  ensure(n: number): void {
    if (n <= this.capacity) return;
    if (n > ID_MASK) throw new Error(`chromosome of ${n} bases: k-mer positions must fit in 31 bits`);
    this.capacity = n;
    this.words = new Uint32Array(Math.ceil(WORDS_PER_BASE * n));
  }

  /** One byte per base after the first 3n words. */
  marks(n: number): Uint8Array {
    return new Uint8Array(this.words.buffer, this.words.byteOffset + 12 * n, n);
  }
}

/** countAllKmers' result: views into the workspace, valid until its next use. */
export interface SparseCounts {
  /** For start p (length n − k + 1): count_k(p) where marks[p] is set, else garbage. */
  counts: Uint32Array;
  /**
   * marks[p] = 1 where count_k(p) ≥ 2 (counts[p] is the count) or p's k-mer occurs once and
   * is its own reverse complement (counts[p] = PALINDROME_FLAG | 1); 0 for the other starts
   * (count 1, or invalid). Length n: the marks of the next, filtered k.
   */
  marks: Uint8Array;
}

/**
 * Counts every start position's canonical k-mer (see kmerHashGroups for what is recorded).
 * Layout (words; n bases): pairs [0, 2n), low hashes and then counts [2n, 3n), marks one byte
 * per base at [3n, 3.25n). The pairs' region is free again afterwards.
 */
export function countAllKmers(bases: Uint8Array, k: number, ws: KmerWorkspace): SparseCounts {
  const n = bases.length;
  ws.ensure(n);
  const w = ws.words;
  const pairs = w.subarray(0, 2 * n);
  const low = w.subarray(2 * n, 3 * n);
  const marks = ws.marks(n);
  const m = hashAllKmers(bases, k, pairs, low);
  countHashGroups(pairs, m, low, marks, ws.groupScratch);
  return { counts: low.subarray(0, Math.max(0, n - k + 1)), marks };
}

/**
 * count_k(p) for every start position p of `bases` (length n − k + 1; 0 where p's k-mer is
 * invalid): how many valid positions carry the same canonical k-mer. The result is a view
 * into the workspace, valid until its next use.
 */
export function kmerCounts(bases: Uint8Array, k: number, ws: KmerWorkspace): Uint32Array {
  const { counts, marks } = countAllKmers(bases, k, ws);
  let run = 0;
  for (let i = 0; i < bases.length; i++) {
    const b = bases[i]! & 0xdf; // upper case
    run = b === 65 || b === 67 || b === 71 || b === 84 ? run + 1 : 0;
    const p = i - k + 1;
    if (p < 0) continue;
    if (run < k) counts[p] = 0;
    else counts[p] = marks[p] === 0 ? 1 : counts[p]! & ID_MASK;
  }
  return counts;
}
