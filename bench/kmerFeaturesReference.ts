/**
 * The eight-feature implementation as it stood before the subsequence filter (commit 90dfab8),
 * kept verbatim (names prefixed) as the reference that bench/kmerFeatures.ts checks the
 * current code against bit for bit. Not used by the product.
 */
import type { Bp } from '../src/genome.js';

const REFERENCE_KS = [64, 128, 256, 512] as const;


/** Base code: A=0, C=1, G=2, T=3 (either case); 255 = not a base. */
const BASE_CODE = new Uint8Array(256).fill(255);
'ACGT'.split('').forEach((b, i) => {
  BASE_CODE[b.charCodeAt(0)] = i;
  BASE_CODE[b.toLowerCase().charCodeAt(0)] = i;
});

const B1 = 0x9e3779b1 | 0;
const B2 = 0x85ebca6b | 0;

/** Multiplicative inverse of odd `b` mod 2^32 (Newton's iteration doubles correct bits). */
function inverse(b: number): number {
  let x = b;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(b, x));
  return x | 0;
}

function power(b: number, e: number): number {
  let r = 1;
  for (let i = 0; i < e; i++) r = Math.imul(r, b);
  return r | 0;
}

/**
 * Calls back for each valid k-mer of `bases` (ASCII), in position order, with its start and
 * the two halves of its canonical hash. Returns how many there were.
 */
function forEachCanonicalKmer(bases: Uint8Array, k: number, emit: (p: number, high: number, low: number) => void): number {
  const n = bases.length;
  const top1 = power(B1, k - 1);
  const top2 = power(B2, k - 1);
  const inv1 = inverse(B1);
  const inv2 = inverse(B2);
  // f = Σ x_i·B^(k−1−(i−p)) (forward), r = Σ (3−x_i)·B^(i−p) (reverse complement).
  let f1 = 0, f2 = 0, r1 = 0, r2 = 0;
  let p1 = 1, p2 = 1; // B^(run−1) while the window fills
  let run = 0;
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const x = BASE_CODE[bases[i]!]!;
    if (x === 255) {
      f1 = f2 = r1 = r2 = 0;
      p1 = p2 = 1;
      run = 0;
      continue;
    }
    const c = 3 - x;
    run++;
    if (run <= k) {
      f1 = (Math.imul(f1, B1) + x) | 0;
      f2 = (Math.imul(f2, B2) + x) | 0;
      r1 = (r1 + Math.imul(c, p1)) | 0;
      r2 = (r2 + Math.imul(c, p2)) | 0;
      p1 = Math.imul(p1, B1);
      p2 = Math.imul(p2, B2);
    } else {
      const out = BASE_CODE[bases[i - k]!]!;
      f1 = (Math.imul((f1 - Math.imul(out, top1)) | 0, B1) + x) | 0;
      f2 = (Math.imul((f2 - Math.imul(out, top2)) | 0, B2) + x) | 0;
      r1 = (Math.imul((r1 - (3 - out)) | 0, inv1) + Math.imul(c, top1)) | 0;
      r2 = (Math.imul((r2 - (3 - out)) | 0, inv2) + Math.imul(c, top2)) | 0;
    }
    if (run >= k) {
      const fh = f1 >>> 0, fl = f2 >>> 0, rh = r1 >>> 0, rl = r2 >>> 0;
      if (fh < rh || (fh === rh && fl <= rl)) emit(i - k + 1, fh, fl);
      else emit(i - k + 1, rh, rl);
      valid++;
    }
  }
  return valid;
}


/**
 * Reusable arrays for counting one chromosome's k-mers: 20 bytes per base, allocated once per
 * worker and grown to the largest chromosome (fresh arrays per chromosome and k cost page
 * faults and GC, and would double the peak).
 */
export class ReferenceKmerWorkspace {
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
export function referenceKmerCounts(bases: Uint8Array, k: number, ws: ReferenceKmerWorkspace): Uint32Array {
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


interface BinnedKmerFeature {
  /** 100 × highlighted bases / bin length, per bin. */
  highlightedPercent: Float32Array;
  /** Mean depth_k over the bin's bases, per bin. */
  depthAvg: Float32Array;
}

/**
 * DESIGN.md's features at one k over one chromosome. depth_k(q) is the largest count_k among
 * valid k-mers covering base q (a sliding-window maximum over start positions q−k+1…q);
 * q is highlighted when depth_k(q) ≥ 2. Bins are `binBp` long; the last, short one uses its
 * own length.
 */
export function referenceBinnedKmerFeature(bases: Uint8Array, k: number, binBp: Bp, ws = new ReferenceKmerWorkspace()): BinnedKmerFeature {
  const n = bases.length;
  const nBins = Math.ceil(n / binBp);
  const counts = referenceKmerCounts(bases, k, ws);
  const starts = counts.length;
  const highlightedPercent = new Float32Array(nBins);
  const depthAvg = new Float32Array(nBins);
  // Monotonic deque of start positions (counts decreasing), in a ring of size ≥ k + 1.
  let size = 1;
  while (size < k + 1) size <<= 1;
  const ring = new Uint32Array(size);
  const mask = size - 1;
  let head = 0;
  let tail = 0;
  let highlighted = 0;
  let depthSum = 0;
  for (let q = 0; q < n; q++) {
    if (q < starts) {
      const c = counts[q]!;
      while (tail !== head && counts[ring[(tail - 1) & mask]!]! <= c) tail = (tail - 1) & mask;
      ring[tail] = q;
      tail = (tail + 1) & mask;
    }
    while (tail !== head && ring[head]! + k <= q) head = (head + 1) & mask;
    const depth = tail !== head ? counts[ring[head]!]! : 0;
    if (depth >= 2) highlighted++;
    depthSum += depth;
    if ((q + 1) % binBp === 0 || q === n - 1) {
      const bin = Math.floor(q / binBp);
      const length = q - bin * binBp + 1;
      highlightedPercent[bin] = (100 * highlighted) / length;
      depthAvg[bin] = depthSum / length;
      highlighted = 0;
      depthSum = 0;
    }
  }
  return { highlightedPercent, depthAvg };
}

/** All eight features of one chromosome, in FEATURE_NAMES order. */
export function referenceChromosomeFeatures(bases: Uint8Array, binBp: Bp, ws = new ReferenceKmerWorkspace()): Float32Array[] {
  return REFERENCE_KS.flatMap((k) => {
    const f = referenceBinnedKmerFeature(bases, k, binBp, ws);
    return [f.highlightedPercent, f.depthAvg];
  });
}
