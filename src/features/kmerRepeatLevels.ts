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
 * counts [0, m)), pairs spread into buckets [2m, 4m) (then repeated starts and counts), low hashes [4m, 5m), candidate starts [5m, 6m), candidate marks one
 * byte per base at [4n, 4.25n). Past 6m > 4n candidates (near-total repeats) the k is counted
 * in full instead, which needs no marks, so memory stays 20 bytes per base either way.
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
    if (6 * m > 4 * n) {
      visit(fullRepeatedStarts(bases, k, ws, marks));
      return;
    }
    const candidates = w.subarray(5 * m, 6 * m);
    listCandidates(marks, half, n, candidates);
    const pairs = w.subarray(0, 2 * m);
    const spread = w.subarray(2 * m, 4 * m);
    const low = w.subarray(4 * m, 5 * m);
    hashKmersAt(bases, k, candidates, m, pairs, low);
    const counts = w.subarray(0, m);
    countHashGroups(pairs, m, spread, low, counts, ws.groupScratch);
    marks.fill(0);
    const starts = w.subarray(2 * m, 3 * m);
    const repeatCounts = w.subarray(3 * m, 4 * m);
    let r = 0;
    for (let j = 0; j < m; j++) {
      const c = counts[j]!;
      if (c === 0) continue;
      marks[candidates[j]!] = 1;
      if ((c & ID_MASK) >= 2) {
        starts[r] = candidates[j]!;
        repeatCounts[r++] = c;
      }
    }
    visit({ k, starts, counts: repeatCounts, length: r });
  });
}

/** Counts every start (countAllKmers) and marks its candidates for the next k. */
function fullRepeatedStarts(bases: Uint8Array, k: number, ws: KmerWorkspace, marks: Uint8Array): RepeatedStarts {
  const n = bases.length;
  const counts = countAllKmers(bases, k, ws);
  const starts = ws.words.subarray(2 * n, 3 * n);
  const repeatCounts = ws.words.subarray(3 * n, 4 * n);
  marks.fill(0);
  let r = 0;
  for (let p = 0; p < counts.length; p++) {
    const c = counts[p]!;
    if (c === 0) continue;
    marks[p] = 1;
    if ((c & ID_MASK) >= 2) {
      starts[r] = p;
      repeatCounts[r++] = c;
    }
  }
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
