import { ID_MASK, PALINDROME_FLAG } from './canonicalKmerHashes.js';

/**
 * Counting equal 64-bit k-mer hashes: given [high hash, id] pairs (interleaved in one
 * Uint32Array) and the low halves in low[id], writes counts[id] = the number of pairs with the
 * same 64-bit hash where that is ≥ 2, PALINDROME_FLAG | 1 for a palindromic singleton
 * (the id's top bit), and leaves other singletons alone (saving a random write for each of
 * the ~97% unique k-mers).
 *
 * Grouping needs no full sort. One most-significant-digit scatter (over memory) splits the
 * pairs into buckets of ~16k that fit in L2 with a hash table on their other key bits, which
 * finds equal keys in one pass; only keys seen twice (true repeats) are gathered and counted. The old code did four 8-bit passes over the whole array plus a counting
 * pass, each missing cache on every access.
 */

const BUCKET_TARGET_PAIRS = 16384; // 128 KB of pairs, the same again in scratch: inside L2
const SMALL_RANGE = 32; // buckets this small are insertion-sorted instead

/** Scratch grown to the largest bucket and kept (one per worker; tens of KB in practice). */
export class HashGroupScratch {
  table: Uint32Array = new Uint32Array(0);
  next: Uint32Array = new Uint32Array(0);
  repeated: Uint32Array = new Uint32Array(0);
  palindromes: Uint32Array = new Uint32Array(0);
  gathered: Uint32Array = new Uint32Array(0);
  topOffsets: Uint32Array = new Uint32Array(0);
}

function grow(a: Uint32Array, words: number): Uint32Array {
  return a.length >= words ? a : new Uint32Array(Math.max(words, a.length * 2));
}

/**
 * Counts the first m pairs of `pairs` into `counts`, using `spread` (≥ 2m words) for the
 * buckets. `counts` may share memory with `pairs`: it is zeroed once the pairs are spread.
 */
export function countHashGroups(pairs: Uint32Array, m: number, spread: Uint32Array, low: Uint32Array, counts: Uint32Array, scratch: HashGroupScratch): void {
  let topBits = 0;
  while (topBits < 16 && m >>> topBits > BUCKET_TARGET_PAIRS) topBits++;
  const shift = 32 - topBits;
  const buckets = 1 << topBits;
  scratch.topOffsets = grow(scratch.topOffsets, buckets + 1);
  const offsets = scratch.topOffsets;
  offsets.fill(0, 0, buckets + 1);
  if (topBits === 0) {
    offsets[0] = m; // bucket 0's end, as the scatter below leaves it
    spread.set(pairs.subarray(0, 2 * m));
  } else {
    for (let j = 0; j < m; j++) offsets[(pairs[2 * j]! >>> shift) + 1]!++;
    for (let b = 1; b <= buckets; b++) offsets[b] += offsets[b - 1]!;
    // offsets[b] advances from bucket b's start to bucket b+1's.
    for (let j = 0; j < m; j++) {
      const key = pairs[2 * j]!;
      const at = 2 * offsets[key >>> shift]!++;
      spread[at] = key;
      spread[at + 1] = pairs[2 * j + 1]!;
    }
  }
  counts.fill(0);
  let start = 0;
  for (let b = 0; b < buckets; b++) {
    const end = offsets[b]!;
    countBucket(spread, start, end, low, counts, scratch);
    start = end;
  }
}

/**
 * One bucket (keys agree in their top bits, random below): an open-addressing table on the low
 * key bits, in cache, finds equal high hashes in one pass; members of a key chain through
 * `next`, and only keys seen twice (true repeats, ~3%) are gathered and counted.
 */
function countBucket(pairs: Uint32Array, start: number, end: number, low: Uint32Array, counts: Uint32Array, scratch: HashGroupScratch): void {
  const size = end - start;
  if (size <= SMALL_RANGE) {
    countRange(pairs, 2 * start, size, low, counts);
    return;
  }
  let tableBits = 1;
  while (1 << tableBits < 2 * size) tableBits++;
  const tableMask = (1 << tableBits) - 1;
  scratch.table = grow(scratch.table, 1 << tableBits);
  scratch.next = grow(scratch.next, size);
  const table = scratch.table; // 1 + index of a key's first member; 0 = empty
  const next = scratch.next; // 1 + index of the member's successor; 0 = last
  table.fill(0, 0, 1 << tableBits);
  let repeated = 0; // indexes of first members of keys seen twice, in scratch.repeated
  let palindromes = 0;
  const at = 2 * start;
  for (let i = 0; i < size; i++) {
    const key = pairs[at + 2 * i]!;
    if (pairs[at + 2 * i + 1]! >= PALINDROME_FLAG) {
      scratch.palindromes = growKeep(scratch.palindromes, palindromes + 1);
      scratch.palindromes[palindromes++] = i;
    }
    let slot = key & tableMask;
    for (;;) {
      const h = table[slot]!;
      if (h === 0) {
        table[slot] = i + 1;
        next[i] = 0;
        break;
      }
      if (pairs[at + 2 * (h - 1)] === key) {
        const first = h - 1;
        if (next[first] === 0) {
          scratch.repeated = growKeep(scratch.repeated, repeated + 1);
          scratch.repeated[repeated++] = first;
        }
        next[i] = next[first]!;
        next[first] = i + 1;
        break;
      }
      slot = (slot + 1) & tableMask;
    }
  }
  for (let g = 0; g < repeated; g++) {
    let words = 0;
    for (let i = scratch.repeated[g]! + 1; i !== 0; i = next[i - 1]!) {
      scratch.gathered = growKeep(scratch.gathered, words + 2);
      scratch.gathered[words++] = pairs[at + 2 * (i - 1)]!;
      scratch.gathered[words++] = pairs[at + 2 * (i - 1) + 1]!;
    }
    countEqualHighs(scratch.gathered, 0, words, low, counts);
  }
  for (let j = 0; j < palindromes; j++) {
    const id = pairs[at + 2 * scratch.palindromes[j]! + 1]! & ID_MASK;
    if (counts[id] === 0) counts[id] = (PALINDROME_FLAG | 1) >>> 0;
  }
}

function growKeep(a: Uint32Array, words: number): Uint32Array {
  if (a.length >= words) return a;
  const b = new Uint32Array(Math.max(words, 2 * a.length, 64));
  b.set(a);
  return b;
}

/** Sorts a few pairs at word offset `at` by key, then counts runs of equal keys. */
function countRange(pairs: Uint32Array, at: number, size: number, low: Uint32Array, counts: Uint32Array): void {
  insertionSort(pairs, at, size);
  const end = at + 2 * size;
  for (let s = at; s < end; ) {
    const key = pairs[s]!;
    let e = s + 2;
    while (e < end && pairs[e] === key) e += 2;
    if (e - s === 2) {
      const id = pairs[s + 1]!;
      if (id >= PALINDROME_FLAG) counts[id & ID_MASK] = (PALINDROME_FLAG | 1) >>> 0;
    } else {
      countEqualHighs(pairs, s, e, low, counts);
    }
    s = e;
  }
}

/** Pairs [s, e) (word offsets) share their high hash: split on the low halves (nearly always one group). */
function countEqualHighs(pairs: Uint32Array, s: number, e: number, low: Uint32Array, counts: Uint32Array): void {
  const first = low[pairs[s + 1]! & ID_MASK]!;
  let same = true;
  for (let j = s + 3; j < e && same; j += 2) same = low[pairs[j]! & ID_MASK] === first;
  if (same) {
    for (let j = s + 1; j < e; j += 2) counts[pairs[j]! & ID_MASK] = (e - s) / 2;
    return;
  }
  const byLow = new Map<number, number>();
  for (let j = s + 1; j < e; j += 2) {
    const lo = low[pairs[j]! & ID_MASK]!;
    byLow.set(lo, (byLow.get(lo) ?? 0) + 1);
  }
  for (let j = s + 1; j < e; j += 2) {
    const id = pairs[j]!;
    const c = byLow.get(low[id & ID_MASK]!)!;
    if (c >= 2) counts[id & ID_MASK] = c;
    else if (id >= PALINDROME_FLAG) counts[id & ID_MASK] = (PALINDROME_FLAG | 1) >>> 0;
  }
}

function insertionSort(pairs: Uint32Array, at: number, size: number): void {
  const end = at + 2 * size;
  for (let i = at + 2; i < end; i += 2) {
    const key = pairs[i]!;
    const id = pairs[i + 1]!;
    let j = i - 2;
    while (j >= at && pairs[j]! > key) {
      pairs[j + 2] = pairs[j]!;
      pairs[j + 3] = pairs[j + 1]!;
      j -= 2;
    }
    pairs[j + 2] = key;
    pairs[j + 3] = id;
  }
}
