import { ID_MASK, PALINDROME_FLAG } from './canonicalKmerHashes.js';

/**
 * Counting equal 64-bit k-mer hashes: given [high hash, id] pairs (interleaved in one
 * Uint32Array) and the low halves in low[id], finds for every id the number of pairs with the
 * same 64-bit hash. Where that is ≥ 2 it overwrites low[id] with the count and sets
 * counted[id] = 1; a palindromic singleton (the id's top bit) gets PALINDROME_FLAG | 1 the same
 * way; other singletons keep counted[id] = 0 and their low hash (saving a random write for
 * each of the ~97% unique k-mers). The counts reuse the low halves' memory: an id's low half is
 * only read while its own group is counted, before its count is written.
 *
 * Grouping needs no full sort. Most-significant-digit passes split the pairs into buckets of
 * ~16k that fit in L2 with a hash table on their other key bits, which finds equal keys in
 * one pass; only keys seen twice (true repeats) are gathered and counted. Over the whole
 * array the split is in place (American flag sort: no second array, which would cost
 * 8 bytes per k-mer); inside the cache it is a scatter into scratch (SCATTER_MAX_PAIRS).
 */

const BUCKET_TARGET_PAIRS = 16384; // 128 KB of pairs, the same again in scratch: inside L2
const SMALL_RANGE = 32; // buckets this small are insertion-sorted instead
const MAX_KEY_BITS = 16; // buckets split on at most the top 16 bits of the high hash
/**
 * How the pairs are split. A range of up to 2^18 pairs (2 MB, in cache) is scattered into a
 * scratch copy and its buckets are counted there: out of place, each pair's move is
 * independent of the last. A larger range (a whole chromosome's pairs) is first split in
 * place, DIGIT_BITS at a time, which saves the second array (8 bytes per k-mer) but is
 * slower: each displaced pair decides the next slot, a chain of dependent loads at about
 * 8 ns a pair even in cache. One 12-bit in-place pass over chr1's 43 M pairs took 1.2–1.5 s
 * here (a cache and TLB miss per swap over 4,096 write heads), 8 bits then 4 about 1.0 s,
 * and 8 bits then the in-cache scatter less again. The eight k-mer features of the twelve
 * rice chromosomes took 9% more CPU than with one out-of-place scatter (19.8 s against
 * 18.2 s, best of 5 each, same process), for 13 bytes per base instead of 20.
 */
const SCATTER_MAX_PAIRS = 1 << 18;
const DIGIT_BITS = 8;

/** Scratch grown to the largest bucket and kept (one per worker; ~2 MB in practice). */
export class HashGroupScratch {
  table: Uint32Array = new Uint32Array(0);
  next: Uint32Array = new Uint32Array(0);
  repeated: Uint32Array = new Uint32Array(0);
  palindromes: Uint32Array = new Uint32Array(0);
  gathered: Uint32Array = new Uint32Array(0);
  /** Per in-place split depth, each sub-bucket's end; and the next free slots while permuting. */
  readonly bucketEnds: Uint32Array[] = [];
  readonly bucketNext = new Uint32Array(1 << DIGIT_BITS);
  /** The scattered copy of a range, and its buckets' ends. */
  spread: Uint32Array = new Uint32Array(0);
  spreadEnds: Uint32Array = new Uint32Array(0);
}

function grow(a: Uint32Array, words: number): Uint32Array {
  return a.length >= words ? a : new Uint32Array(Math.max(words, a.length * 2));
}

/**
 * Counts the first m pairs of `pairs` (which it reorders) into `low` and `counted` as above.
 * `counted` needs one byte per id and is zeroed here; ids must be < low.length.
 */
export function countHashGroups(pairs: Uint32Array, m: number, low: Uint32Array, counted: Uint8Array, scratch: HashGroupScratch): void {
  counted.fill(0);
  splitAndCount(pairs, 0, m, 0, 0, low, counted, scratch);
}

/**
 * Pairs [start, end) share their top `usedBits` key bits (split in place `depth` times so
 * far): split further until buckets fit in L2, and count each. A bucket where one k-mer has
 * many copies (a satellite's) may stay large at 16 bits; it is counted all the same.
 */
function splitAndCount(pairs: Uint32Array, start: number, end: number, usedBits: number, depth: number, low: Uint32Array, counted: Uint8Array, scratch: HashGroupScratch): void {
  let bits = 0;
  while (usedBits + bits < MAX_KEY_BITS && (end - start) >>> bits > BUCKET_TARGET_PAIRS) bits++;
  if (bits === 0) {
    countBucket(pairs, start, end, low, counted, scratch);
    return;
  }
  if (end - start <= SCATTER_MAX_PAIRS) {
    scatterAndCount(pairs, start, end, 32 - usedBits - bits, bits, low, counted, scratch);
    return;
  }
  bits = Math.min(bits, DIGIT_BITS);
  const ends = (scratch.bucketEnds[depth] ??= new Uint32Array(1 << DIGIT_BITS));
  permuteIntoBuckets(pairs, start, end, 32 - usedBits - bits, bits, ends, scratch.bucketNext);
  let from = start;
  for (let b = 0; b < 1 << bits; b++) {
    const to = ends[b]!;
    splitAndCount(pairs, from, to, usedBits + bits, depth + 1, low, counted, scratch);
    from = to;
  }
}

/** Copies pairs [start, end) into scratch.spread by bucket ((key >>> shift) & mask) and counts each bucket there. */
function scatterAndCount(pairs: Uint32Array, start: number, end: number, shift: number, bits: number, low: Uint32Array, counted: Uint8Array, scratch: HashGroupScratch): void {
  const buckets = 1 << bits;
  const mask = buckets - 1;
  scratch.spread = grow(scratch.spread, 2 * (end - start));
  scratch.spreadEnds = grow(scratch.spreadEnds, buckets);
  const spread = scratch.spread;
  const next = scratch.spreadEnds; // each bucket's next free slot, which ends as its end
  next.fill(0, 0, buckets);
  for (let j = start; j < end; j++) next[(pairs[2 * j]! >>> shift) & mask]!++;
  let sum = 0;
  for (let b = 0; b < buckets; b++) {
    const size = next[b]!;
    next[b] = sum;
    sum += size;
  }
  for (let j = start; j < end; j++) {
    const key = pairs[2 * j]!;
    const at = 2 * next[(key >>> shift) & mask]!++;
    spread[at] = key;
    spread[at + 1] = pairs[2 * j + 1]!;
  }
  let from = 0;
  for (let b = 0; b < buckets; b++) {
    const to = next[b]!;
    countBucket(spread, from, to, low, counted, scratch);
    from = to;
  }
}

/**
 * Reorders pairs [start, end) in place so that bucket b (the keys with (key >>> shift) & mask
 * = b, mask = 2^bits − 1) is contiguous, buckets ascending, and writes each bucket's end (a
 * pair index) to ends[b]. American flag sort's cycle leader: the first pair not yet placed in
 * bucket b is swapped into its own bucket's next free slot, and the pair it displaces goes on
 * the same way until one belongs to b; each pair is written once into its final slot. Order
 * within a bucket does not matter to counting.
 */
function permuteIntoBuckets(pairs: Uint32Array, start: number, end: number, shift: number, bits: number, ends: Uint32Array, next: Uint32Array): void {
  const buckets = 1 << bits;
  const mask = buckets - 1;
  next.fill(0, 0, buckets);
  for (let j = start; j < end; j++) next[(pairs[2 * j]! >>> shift) & mask]!++;
  let sum = start;
  for (let b = 0; b < buckets; b++) {
    const size = next[b]!;
    next[b] = sum; // bucket b's first slot not yet filled
    sum += size;
    ends[b] = sum;
  }
  for (let b = 0; b < buckets; b++) {
    const bucketEnd = ends[b]!;
    for (let i = next[b]!; i < bucketEnd; i = ++next[b]!) {
      let key = pairs[2 * i]!;
      let id = pairs[2 * i + 1]!;
      for (let d = (key >>> shift) & mask; d !== b; d = (key >>> shift) & mask) {
        const slot = 2 * next[d]!++;
        const displacedKey = pairs[slot]!;
        const displacedId = pairs[slot + 1]!;
        pairs[slot] = key;
        pairs[slot + 1] = id;
        key = displacedKey;
        id = displacedId;
      }
      pairs[2 * i] = key;
      pairs[2 * i + 1] = id;
    }
  }
}

/**
 * One bucket (keys agree in their top bits, random below): an open-addressing table on the low
 * key bits, in cache, finds equal high hashes in one pass; members of a key chain through
 * `next`, and only keys seen twice (true repeats, ~3%) are gathered and counted.
 */
function countBucket(pairs: Uint32Array, start: number, end: number, low: Uint32Array, counted: Uint8Array, scratch: HashGroupScratch): void {
  const size = end - start;
  if (size <= SMALL_RANGE) {
    countRange(pairs, 2 * start, size, low, counted);
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
    countEqualHighs(scratch.gathered, 0, words, low, counted);
  }
  for (let j = 0; j < palindromes; j++) {
    const id = pairs[at + 2 * scratch.palindromes[j]! + 1]! & ID_MASK;
    if (counted[id] === 0) setCount(low, counted, id, PALINDROME_SINGLETON);
  }
}

const PALINDROME_SINGLETON = (PALINDROME_FLAG | 1) >>> 0;

/** The id's count replaces its low half, which no later group reads (each id is in one group). */
function setCount(low: Uint32Array, counted: Uint8Array, id: number, count: number): void {
  low[id] = count;
  counted[id] = 1;
}

function growKeep(a: Uint32Array, words: number): Uint32Array {
  if (a.length >= words) return a;
  const b = new Uint32Array(Math.max(words, 2 * a.length, 64));
  b.set(a);
  return b;
}

/** Sorts a few pairs at word offset `at` by key, then counts runs of equal keys. */
function countRange(pairs: Uint32Array, at: number, size: number, low: Uint32Array, counted: Uint8Array): void {
  insertionSort(pairs, at, size);
  const end = at + 2 * size;
  for (let s = at; s < end; ) {
    const key = pairs[s]!;
    let e = s + 2;
    while (e < end && pairs[e] === key) e += 2;
    if (e - s === 2) {
      const id = pairs[s + 1]!;
      if (id >= PALINDROME_FLAG) setCount(low, counted, id & ID_MASK, PALINDROME_SINGLETON);
    } else {
      countEqualHighs(pairs, s, e, low, counted);
    }
    s = e;
  }
}

/** Pairs [s, e) (word offsets) share their high hash: split on the low halves (nearly always one group). */
function countEqualHighs(pairs: Uint32Array, s: number, e: number, low: Uint32Array, counted: Uint8Array): void {
  const first = low[pairs[s + 1]! & ID_MASK]!;
  let same = true;
  for (let j = s + 3; j < e && same; j += 2) same = low[pairs[j]! & ID_MASK] === first;
  if (same) {
    for (let j = s + 1; j < e; j += 2) setCount(low, counted, pairs[j]! & ID_MASK, (e - s) / 2);
    return;
  }
  const byLow = new Map<number, number>();
  for (let j = s + 1; j < e; j += 2) {
    const lo = low[pairs[j]! & ID_MASK]!;
    byLow.set(lo, (byLow.get(lo) ?? 0) + 1);
  }
  for (let j = s + 1; j < e; j += 2) {
    const id = pairs[j]!;
    const c = byLow.get(low[id & ID_MASK]!)!; // read before this id's own count replaces it
    if (c >= 2) setCount(low, counted, id & ID_MASK, c);
    else if (id >= PALINDROME_FLAG) setCount(low, counted, id & ID_MASK, PALINDROME_SINGLETON);
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
