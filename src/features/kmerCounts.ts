import { forEachCanonicalKmer } from './canonicalKmerHashes.js';

/**
 * Reusable arrays for counting one chromosome's k-mers: 20 bytes per base, allocated once per
 * worker and grown to the largest chromosome (fresh arrays per chromosome and k cost page
 * faults and GC, and would double the peak).
 */
export class KmerWorkspace {
  private capacity = 0;
  low = new Uint32Array(0);
  keysA = new Uint32Array(0);
  valsA = new Uint32Array(0);
  keysB = new Uint32Array(0);
  valsB = new Uint32Array(0);

  ensure(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = n;
    this.low = new Uint32Array(n);
    this.keysA = new Uint32Array(n);
    this.valsA = new Uint32Array(n);
    this.keysB = new Uint32Array(n);
    this.valsB = new Uint32Array(n);
  }
}

/**
 * count_k(p) for every start position p of `bases` (length n − k + 1; 0 where p's k-mer is
 * invalid): how many valid positions carry the same canonical k-mer. Equal hashes are brought
 * together by an LSD radix sort on the high 32 bits (four 8-bit passes: sequential reads, few
 * scatter targets); runs with equal high bits are split on the low 32 bits. The result is a
 * view into the workspace, valid until its next use.
 */
export function kmerCounts(bases: Uint8Array, k: number, ws: KmerWorkspace): Uint32Array {
  const n = bases.length;
  ws.ensure(n);
  const { low, keysA, valsA, keysB, valsB } = ws;
  let m = 0;
  forEachCanonicalKmer(bases, k, (p, hi, lo) => {
    keysA[m] = hi;
    valsA[m++] = p;
    low[p] = lo;
  });
  const starts = Math.max(0, n - k + 1);
  const histogram = new Uint32Array(RADIX);
  radixPass(keysA, valsA, keysB, valsB, m, 0, histogram);
  radixPass(keysB, valsB, keysA, valsA, m, 8, histogram);
  radixPass(keysA, valsA, keysB, valsB, m, 16, histogram);
  radixPass(keysB, valsB, keysA, valsA, m, 24, histogram);
  // keysB is free now: it becomes the per-position counts. Valid positions are found again
  // by a sequential scan (cheaper than a random write per k-mer), then repeats fixed up.
  const counts = keysB.subarray(0, starts);
  counts.fill(0);
  markValidStarts(bases, k, counts);
  countRuns(keysA, valsA, m, low, counts);
  return counts;
}

/** counts[p] = 1 for each start p whose k-mer has only A/C/G/T. */
function markValidStarts(bases: Uint8Array, k: number, counts: Uint32Array): void {
  let run = 0;
  for (let i = 0; i < bases.length; i++) {
    const b = bases[i]! & 0xdf; // upper case
    run = b === 65 || b === 67 || b === 71 || b === 84 ? run + 1 : 0;
    if (run >= k) counts[i - k + 1] = 1;
  }
}

/**
 * Walks the sorted keys; a run of equal high bits is counted by low bits (nearly always one
 * group: a true repeat) and each member's count written at its position.
 */
function countRuns(keys: Uint32Array, vals: Uint32Array, m: number, low: Uint32Array, counts: Uint32Array): void {
  for (let s = 0; s < m; ) {
    const key = keys[s]!;
    let e = s + 1;
    while (e < m && keys[e] === key) e++;
    if (e - s > 1) {
      const first = low[vals[s]!]!;
      let same = true;
      for (let j = s + 1; j < e && same; j++) same = low[vals[j]!] === first;
      if (same) {
        for (let j = s; j < e; j++) counts[vals[j]!] = e - s;
      } else {
        const byLow = new Map<number, number>();
        for (let j = s; j < e; j++) byLow.set(low[vals[j]!]!, (byLow.get(low[vals[j]!]!) ?? 0) + 1);
        for (let j = s; j < e; j++) counts[vals[j]!] = byLow.get(low[vals[j]!]!)!;
      }
    }
    s = e;
  }
}

const RADIX_BITS = 8;
const RADIX = 1 << RADIX_BITS;

/** One stable counting-sort pass over the first m entries on the digit at `shift`. */
function radixPass(keys: Uint32Array, vals: Uint32Array, toKeys: Uint32Array, toVals: Uint32Array, m: number, shift: number, histogram: Uint32Array): void {
  histogram.fill(0);
  for (let j = 0; j < m; j++) histogram[(keys[j]! >>> shift) & (RADIX - 1)]!++;
  let sum = 0;
  for (let d = 0; d < RADIX; d++) {
    const c = histogram[d]!;
    histogram[d] = sum;
    sum += c;
  }
  for (let j = 0; j < m; j++) {
    const key = keys[j]!;
    const to = histogram[(key >>> shift) & (RADIX - 1)]!++;
    toKeys[to] = key;
    toVals[to] = vals[j]!;
  }
}
