/**
 * 64-bit canonical k-mer hashes of one chromosome. Two independent polynomial rolling hashes
 * mod 2^32 give the 64 bits (DESIGN allows hashing to stand in for identity when collisions are
 * negligible: ~n²/2^65 expected, about 1e-4 for a 43-Mb chromosome). The reverse-complement
 * hash rolls too (via the multiplier's inverse mod 2^32), so each position costs O(1) for any k;
 * the canonical hash is the smaller of the two as an unsigned 64-bit pair, and a k-mer whose
 * two hashes are equal is its own reverse complement (a reverse palindrome).
 * (Polynomial hashes mod 2^32 collide on adversarial Thue–Morse-like strings; DNA is not that.)
 *
 * Output is a pair array [high hash, id] per k-mer, grouped later on the high half, and the low
 * half in `low[id & ID_MASK]`. The id's top bit flags palindromes (positions fit in 31 bits).
 * The roll is written out twice (all positions / chosen positions) rather than shared through
 * a callback: the call per k-mer was a fifth of the old feature time.
 */

/** Base code: A=0, C=1, G=2, T=3 (either case); 255 = not a base. */
export const BASE_CODE = new Uint8Array(256).fill(255);
'ACGT'.split('').forEach((b, i) => {
  BASE_CODE[b.charCodeAt(0)] = i;
  BASE_CODE[b.toLowerCase().charCodeAt(0)] = i;
});

/** Set in a pair's id when the k-mer is its own reverse complement. */
export const PALINDROME_FLAG = 0x80000000;
export const ID_MASK = 0x7fffffff;

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
 * Every valid k-mer of `bases` (ASCII), in position order: pairs[2j] = high canonical hash,
 * pairs[2j+1] = start position (| PALINDROME_FLAG), low[position] = low canonical hash.
 * Returns how many there were.
 */
export function hashAllKmers(bases: Uint8Array, k: number, pairs: Uint32Array, low: Uint32Array): number {
  const n = bases.length;
  const top1 = power(B1, k - 1);
  const top2 = power(B2, k - 1);
  const inv1 = inverse(B1);
  const inv2 = inverse(B2);
  // f = Σ x_i·B^(k−1−(i−p)) (forward), r = Σ (3−x_i)·B^(i−p) (reverse complement).
  let f1 = 0, f2 = 0, r1 = 0, r2 = 0;
  let p1 = 1, p2 = 1; // B^(run−1) while the window fills
  let run = 0;
  let m = 0;
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
      if (run < k) continue;
    } else {
      const out = BASE_CODE[bases[i - k]!]!;
      f1 = (Math.imul((f1 - Math.imul(out, top1)) | 0, B1) + x) | 0;
      f2 = (Math.imul((f2 - Math.imul(out, top2)) | 0, B2) + x) | 0;
      r1 = (Math.imul((r1 - (3 - out)) | 0, inv1) + Math.imul(c, top1)) | 0;
      r2 = (Math.imul((r2 - (3 - out)) | 0, inv2) + Math.imul(c, top2)) | 0;
    }
    const p = i - k + 1;
    const fh = f1 >>> 0, fl = f2 >>> 0, rh = r1 >>> 0, rl = r2 >>> 0;
    if (fh < rh || (fh === rh && fl < rl)) {
      pairs[2 * m] = fh;
      pairs[2 * m + 1] = p;
      low[p] = fl;
    } else {
      pairs[2 * m] = rh;
      pairs[2 * m + 1] = fh === rh && fl === rl ? (p | PALINDROME_FLAG) >>> 0 : p;
      low[p] = rl;
    }
    m++;
  }
  return m;
}

/**
 * The k-mers starting at `positions[0..m)` (ascending, all valid): pairs[2j] = high canonical
 * hash, pairs[2j+1] = j (| PALINDROME_FLAG), low[j] = low canonical hash. The window rolls
 * through gaps shorter than k and restarts after longer ones, so sparse positions cost about
 * k bases each and dense ones one base each.
 */
export function hashKmersAt(bases: Uint8Array, k: number, positions: Uint32Array, m: number, pairs: Uint32Array, low: Uint32Array): void {
  const top1 = power(B1, k - 1);
  const top2 = power(B2, k - 1);
  const inv1 = inverse(B1);
  const inv2 = inverse(B2);
  let f1 = 0, f2 = 0, r1 = 0, r2 = 0;
  let p1 = 1, p2 = 1;
  let run = 0;
  let i = 0; // next base to roll in
  for (let j = 0; j < m; j++) {
    const p = positions[j]!;
    const end = p + k;
    if (end - i > k) {
      f1 = f2 = r1 = r2 = 0;
      p1 = p2 = 1;
      run = 0;
      i = p;
    }
    for (; i < end; i++) {
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
    }
    if (run < k) throw new Error(`hashKmersAt: k-mer at ${p} is not valid`);
    const fh = f1 >>> 0, fl = f2 >>> 0, rh = r1 >>> 0, rl = r2 >>> 0;
    if (fh < rh || (fh === rh && fl < rl)) {
      pairs[2 * j] = fh;
      pairs[2 * j + 1] = j;
      low[j] = fl;
    } else {
      pairs[2 * j] = rh;
      pairs[2 * j + 1] = fh === rh && fl === rl ? (j | PALINDROME_FLAG) >>> 0 : j;
      low[j] = rl;
    }
  }
}
