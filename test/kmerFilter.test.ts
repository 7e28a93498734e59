/**
 * The subsequence filter (kmerRepeatLevels: k = 2j is only counted where both j-halves repeat
 * or are reverse palindromes) and the sparse depth binning, against brute force with k-mer
 * strings on the sequences where a filter could go wrong: inverted repeats (X + revcomp(X), as
 * at inverted array blocks, whose centre k-mers are palindromes with rc twins half a k away),
 * tandem arrays (every start a candidate, which switches a k to a full count), poly-A and
 * (AT)n runs (one hash for thousands of starts), N runs and IUPAC codes, soft-masked copies,
 * sequences shorter than k, a last short bin, and inputs past one bucket of the hash grouping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KmerWorkspace, kmerCounts } from '../src/features/kmerCounts.js';
import { FEATURE_KS, binnedKmerFeature, chromosomeFeatures } from '../src/features/kmerFeatures.js';
import { mutate, randomBases, revcomp, rng } from './repeatFixtures.js';

/** DESIGN.md's definition, literally: counts of canonical k-mer strings, per-base maxima. */
function bruteForce(seq: string, k: number, binBp: number): { counts: number[]; highlightedPercent: Float32Array; depthAvg: Float32Array } {
  const upper = seq.toUpperCase();
  const n = seq.length;
  const canon: (string | null)[] = [];
  const tally = new Map<string, number>();
  for (let p = 0; p + k <= n; p++) {
    const kmer = upper.slice(p, p + k);
    const c = /^[ACGT]+$/.test(kmer) ? (kmer < revcomp(kmer) ? kmer : revcomp(kmer)) : null;
    canon.push(c);
    if (c) tally.set(c, (tally.get(c) ?? 0) + 1);
  }
  const counts = canon.map((c) => (c ? tally.get(c)! : 0));
  const nBins = Math.ceil(n / binBp);
  const highlightedPercent = new Float32Array(nBins);
  const depthAvg = new Float32Array(nBins);
  for (let bin = 0; bin < nBins; bin++) {
    const from = bin * binBp;
    const to = Math.min(n, from + binBp);
    let highlighted = 0;
    let depthSum = 0;
    for (let q = from; q < to; q++) {
      let depth = 0;
      for (let p = Math.max(0, q - k + 1); p <= q && p < counts.length; p++) depth = Math.max(depth, counts[p]!);
      if (depth >= 2) highlighted++;
      depthSum += depth;
    }
    highlightedPercent[bin] = (100 * highlighted) / (to - from);
    depthAvg[bin] = depthSum / (to - from);
  }
  return { counts, highlightedPercent, depthAvg };
}

function assertMatchesBruteForce(name: string, seq: string, binBp: number): void {
  const bases = Buffer.from(seq, 'latin1');
  const ws = new KmerWorkspace();
  const all = chromosomeFeatures(bases, binBp, ws);
  FEATURE_KS.forEach((k, i) => {
    const want = bruteForce(seq, k, binBp);
    assert.deepEqual([...all[2 * i]!], [...want.highlightedPercent], `${name}: k=${k} highlighted (filtered)`);
    assert.deepEqual([...all[2 * i + 1]!], [...want.depthAvg], `${name}: k=${k} depth (filtered)`);
    const single = binnedKmerFeature(bases, k, binBp, ws);
    assert.deepEqual([...single.highlightedPercent], [...want.highlightedPercent], `${name}: k=${k} highlighted (single k)`);
    assert.deepEqual([...single.depthAvg], [...want.depthAvg], `${name}: k=${k} depth (single k)`);
    assert.deepEqual([...kmerCounts(bases, k, ws)], want.counts, `${name}: k=${k} counts`);
  });
}

const rand = rng(1011);
const x = randomBases(700, rand);
const monomer = randomBases(155, rand);

test('inverted repeats: X + revcomp(X) junctions, centre palindromes, soft-masked and gapped copies', () => {
  const seq = randomBases(900, rand) + x + revcomp(x) + randomBases(600, rand) + revcomp(x).toLowerCase() + randomBases(300, rand) +
    x.slice(0, 400) + 'NNNNN' + x.slice(405) + randomBases(500, rand) + x.slice(350) + revcomp(x.slice(350)) + randomBases(777, rand);
  assertMatchesBruteForce('inverted', seq, 250);
});

test('inverted repeats 3j long, where a k-mer with a palindromic half is the only cover of a base', () => {
  // X + revcomp(X) with |X| = 1.5j: the k-mer (k = 2j) at the repeat's first base is Z'Y with
  // Y the palindromic centre; its only twin, YZ, also has Y as a half. Without palindromes as
  // candidates both would count 1 and the repeat's edge bases would not be highlighted.
  for (const j of [64, 128, 256]) {
    const arm = randomBases(1.5 * j, rand);
    assertMatchesBruteForce(`inverted 3j, j=${j}`, randomBases(300, rand) + arm + revcomp(arm) + randomBases(200, rand), 7);
  }
});

test('tandem arrays, poly-A and (AT)n runs, diverged copies, IUPAC codes', () => {
  const array = monomer.repeat(25);
  const seq = randomBases(1000, rand) + array + randomBases(400, rand) + 'A'.repeat(1200) + randomBases(300, rand) + 'AT'.repeat(700) +
    randomBases(200, rand) + mutate(array, 0.03, rand) + randomBases(500, rand).replace(/C/g, 'Y') + array.slice(0, 1000).toLowerCase() + randomBases(333, rand);
  assertMatchesBruteForce('tandem', seq, 1000);
});

test('a chromosome that is one tandem array (every k counted in full, no filter)', () => {
  assertMatchesBruteForce('all-array', monomer.repeat(40) + 'ACG', 500);
});

test('sequences shorter than k, N-only, empty, and a last short bin', () => {
  for (const length of [0, 1, 63, 64, 100, 127, 128, 300, 511, 512, 513, 1100]) {
    const s = randomBases(length, rand);
    assertMatchesBruteForce(`random ${length}`, s, 100);
    assertMatchesBruteForce(`doubled ${length}`, s + s, 100);
  }
  assertMatchesBruteForce('N only', 'N'.repeat(700), 300);
  assertMatchesBruteForce('repeat across N', x.slice(0, 300) + 'N' + x.slice(0, 300) + 'n' + revcomp(x.slice(0, 300)), 64);
});

test('past one bucket of the hash grouping (> 16k starts) with repeats at every k', () => {
  const parts: string[] = [];
  for (let i = 0; i < 12; i++) parts.push(randomBases(1500, rand), i % 3 === 0 ? revcomp(x) : x.slice(i * 20), i % 4 === 0 ? monomer.repeat(6) : '');
  assertMatchesBruteForce('large', parts.join(''), 1000);
});
