import { ID_MASK, hashAllKmers } from './canonicalKmerHashes.js';
import { HashGroupScratch, countHashGroups } from './kmerHashGroups.js';

/**
 * Reusable memory for counting one chromosome's k-mers: 20 bytes per base (five 32-bit words),
 * allocated once per worker and grown to the largest chromosome (fresh arrays per chromosome
 * and k cost page faults and GC, and would double the peak). Callers carve regions out of
 * `words`; see countAllKmers and kmerRepeatLevels for the layouts.
 */
export class KmerWorkspace {
  private capacity = 0;
  words = new Uint32Array(0);
  readonly groupScratch = new HashGroupScratch();

  ensure(n: number): void {
    if (n <= this.capacity) return;
    if (n > ID_MASK) throw new Error(`chromosome of ${n} bases: k-mer positions must fit in 31 bits`);
    this.capacity = n;
    this.words = new Uint32Array(5 * n);
  }

  /** One byte per base after the first 4n words (the hash-low region, free between levels). */
  marks(n: number): Uint8Array {
    return new Uint8Array(this.words.buffer, this.words.byteOffset + 16 * n, n);
  }
}

/**
 * Sparse count_k for all start positions: a view of length n − k + 1 into the workspace
 * (words [0, n)) holding count_k(p) where it is ≥ 2, PALINDROME_FLAG | 1 for a k-mer that
 * occurs once and is its own reverse complement, and 0 otherwise (count 1, or invalid); see
 * kmerHashGroups. Valid until the workspace's next use.
 * Layout: pairs words [0, 2n), pairs spread into buckets [2n, 4n), low halves [4n, 5n).
 */
export function countAllKmers(bases: Uint8Array, k: number, ws: KmerWorkspace): Uint32Array {
  const n = bases.length;
  ws.ensure(n);
  const w = ws.words;
  const pairs = w.subarray(0, 2 * n);
  const spread = w.subarray(2 * n, 4 * n);
  const low = w.subarray(4 * n, 5 * n);
  const m = hashAllKmers(bases, k, pairs, low);
  // The counts overwrite the pairs' region once they have been spread into buckets.
  const counts = w.subarray(0, Math.max(0, n - k + 1));
  countHashGroups(pairs, m, spread, low, counts, ws.groupScratch);
  return counts;
}

/**
 * count_k(p) for every start position p of `bases` (length n − k + 1; 0 where p's k-mer is
 * invalid): how many valid positions carry the same canonical k-mer. The result is a view
 * into the workspace, valid until its next use.
 */
export function kmerCounts(bases: Uint8Array, k: number, ws: KmerWorkspace): Uint32Array {
  const counts = countAllKmers(bases, k, ws);
  let run = 0;
  for (let i = 0; i < bases.length; i++) {
    const b = bases[i]! & 0xdf; // upper case
    run = b === 65 || b === 67 || b === 71 || b === 84 ? run + 1 : 0;
    if (run >= k) {
      const p = i - k + 1;
      counts[p] = counts[p] === 0 ? 1 : counts[p]! & ID_MASK;
    }
  }
  return counts;
}
