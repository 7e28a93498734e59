import { ID_MASK, hashKmersAt } from './canonicalKmerHashes.js';
import { KmerWorkspace, countAllKmers } from './kmerCounts.js';
import { countHashGroups } from './kmerHashGroups.js';

/** Starts with count_k ≥ 2, ascending, and their counts; views into the workspace. */
export interface RepeatedStarts {
  k: number;
  starts: Uint32Array;
  counts: Uint32Array;
  length: number;
}

/**
 * The repeated starts of every k in `ks`, in order, each handed to `visit` before the
 * workspace is reused for the next k.
 *
 * Subsequence filter: when k = 2j follows j, a k-mer at p can repeat only where the j-mers at
 * p and at p + j are each repeated or their own reverse complement ("candidates"). A forward
 * twin S_q = S_p gives the halves twins at q and q + j; a reverse-complement twin
 * S_p = rc(S_q) makes the half at p rc(half at q + j) and the half at p + j rc(half at q),
 * other positions unless q + j = p, i.e. the half is a palindrome. A palindromic k-mer is
 * itself a candidate (its halves are each other's reverse complements). So only candidates
 * are hashed and sorted; every other valid start has count 1. With hashes for identity the
 * candidates are a superset (a collision only adds some), so counts equal a full count's
 * unless a full count would itself have collided.
 *
 * Workspace layout for a filtered k with m candidates (words; n bases): pairs [0, 2m) (then
 * repeated starts [0, m) and their counts [m, 2m)), low hashes then counts [2m, 3m), candidate
 * starts [3m, 4m), a counted flag per candidate (one byte each) from 4m, and the candidate
 * marks, one byte per base, at [3n, 3.25n). Where that does not fit below 3n (candidates for
 * most starts: near-total repeats) the k is counted in full instead (countAllKmers' layout,
 * which needs no candidates), so memory stays 13 bytes per base either way.
 */
export function forEachRepeatedStarts(bases: Uint8Array, ks: readonly number[], ws: KmerWorkspace, visit: (repeats: RepeatedStarts) => void): void {
  const n = bases.length;
  ws.ensure(n);
  const w = ws.words;
  const marks = ws.marks(n);
  ks.forEach((k, level) => {
    const half = k / 2;
    const filtered = level > 0 && ks[level - 1] === half;
    const m = filtered ? countCandidates(marks, half, n) : Infinity;
    if (4 * m + Math.ceil(m / 4) > 3 * n) {
      visit(fullRepeatedStarts(bases, k, ws));
      return;
    }
    const candidates = w.subarray(3 * m, 4 * m);
    listCandidates(marks, half, n, candidates);
    const pairs = w.subarray(0, 2 * m);
    const low = w.subarray(2 * m, 3 * m);
    const counted = new Uint8Array(w.buffer, w.byteOffset + 16 * m, m);
    hashKmersAt(bases, k, candidates, m, pairs, low);
    countHashGroups(pairs, m, low, counted, ws.groupScratch);
    marks.fill(0);
    const starts = w.subarray(0, m);
    const repeatCounts = w.subarray(m, 2 * m);
    let r = 0;
    for (let j = 0; j < m; j++) {
      if (counted[j] === 0) continue;
      const c = low[j]!;
      marks[candidates[j]!] = 1;
      if ((c & ID_MASK) >= 2) {
        starts[r] = candidates[j]!;
        repeatCounts[r++] = c;
      }
    }
    visit({ k, starts, counts: repeatCounts, length: r });
  });
}

/** Counts every start (countAllKmers), whose marks are the next k's candidate marks. */
function fullRepeatedStarts(bases: Uint8Array, k: number, ws: KmerWorkspace): RepeatedStarts {
  const n = bases.length;
  const { counts, marks } = countAllKmers(bases, k, ws);
  const starts = ws.words.subarray(0, n);
  const repeatCounts = ws.words.subarray(n, 2 * n);
  const words = new Uint32Array(marks.buffer, marks.byteOffset, n >>> 2);
  let r = 0;
  const take = (p: number): void => {
    if (marks[p] === 0) return;
    const c = counts[p]!;
    if ((c & ID_MASK) >= 2) {
      starts[r] = p;
      repeatCounts[r++] = c;
    }
  };
  for (let wi = 0; wi < words.length; wi++) {
    if (words[wi] === 0) continue; // mostly-zero marks are skipped 4 at a time
    for (let p = 4 * wi; p < 4 * wi + 4; p++) take(p);
  }
  for (let p = 4 * words.length; p < n; p++) take(p);
  return { k, starts, counts: repeatCounts, length: r };
}

/** How many p have marks[p] and marks[p + half] set. Mostly-zero marks are skipped 4 at a time. */
function countCandidates(marks: Uint8Array, half: number, n: number): number {
  const words = new Uint32Array(marks.buffer, marks.byteOffset, n >>> 2);
  let m = 0;
  for (let wi = 0; wi < words.length; wi++) {
    if (words[wi] === 0) continue;
    for (let p = 4 * wi; p < 4 * wi + 4; p++) if (marks[p] !== 0 && p + half < n && marks[p + half] !== 0) m++;
  }
  for (let p = 4 * words.length; p < n; p++) if (marks[p] !== 0 && p + half < n && marks[p + half] !== 0) m++;
  return m;
}

/** The positions countCandidates counts, ascending, into `out`. */
function listCandidates(marks: Uint8Array, half: number, n: number, out: Uint32Array): void {
  const words = new Uint32Array(marks.buffer, marks.byteOffset, n >>> 2);
  let m = 0;
  for (let wi = 0; wi < words.length; wi++) {
    if (words[wi] === 0) continue;
    for (let p = 4 * wi; p < 4 * wi + 4; p++) if (marks[p] !== 0 && p + half < n && marks[p + half] !== 0) out[m++] = p;
  }
  for (let p = 4 * words.length; p < n; p++) if (marks[p] !== 0 && p + half < n && marks[p + half] !== 0) out[m++] = p;
}
