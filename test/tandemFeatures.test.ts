import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DIVISOR_MIN_RATIO, FAMILY_K, FAMILY_MAX_PERIOD_BP, FAMILY_MIN_SHARE, MAX_DIVISOR, MAX_MULTIPLE, MAX_PERIOD_BP, MIN_NEAR_FRACTION,
  MIN_NEAR_POSITIONS, MIN_PERIOD_BP, TANDEM_K, TOLERANCE_BP, TandemWorkspace, WINDOW_FLANK_BP, isSampledCode, tandemFeatures,
} from '../src/features/tandemPeriod.js';
import { MIN_BIN_CODES, MIN_SKETCH_CODES, familySharedFraction } from '../src/features/repeatFamily.js';
import { tempDir } from './helpers.js';
import { mutate, randomBases, revcomp, rng } from './repeatFixtures.js';

let tmp: ReturnType<typeof tempDir>;
before(() => {
  tmp = tempDir();
});
after(() => tmp.cleanup());

/** A tandem array: `copies` of `unit`, each with its own substitutions and rare 1-bp indels. */
function tandemArray(unit: string, lengthBp: number, divergence: number, rand: () => number, indelRate = 0): string {
  let out = '';
  while (out.length < lengthBp) {
    let copy = mutate(unit, divergence, rand);
    if (rand() < indelRate * unit.length) {
      const at = Math.floor(rand() * copy.length);
      copy = rand() < 0.5 ? copy.slice(0, at) + copy.slice(at + 1) : copy.slice(0, at) + 'ACGT'[Math.floor(rand() * 4)] + copy.slice(at);
    }
    out += copy;
  }
  return out.slice(0, lengthBp);
}

/** 2-bit code of a k-mer string (A=0 … T=3), the code the scan rolls. */
function code(kmer: string): number {
  let c = 0;
  for (const b of kmer) c = c * 4 + 'ACGT'.indexOf(b);
  return c;
}

function canonical(seq: string, p: number, k: number): string | undefined {
  const kmer = seq.slice(p, p + k).toUpperCase();
  if (kmer.length < k || !/^[ACGT]+$/.test(kmer)) return undefined;
  const rc = revcomp(kmer);
  return kmer < rc ? kmer : rc;
}

/** The definitions in src/features/tandemPeriod.ts, written out the slow way. */
function bruteForce(seq: string, binBp: number) {
  const n = seq.length;
  const starts = Math.max(0, n - TANDEM_K + 1);
  const lastSeen = new Map<string, number>();
  const d: (number | undefined)[] = [];
  for (let p = 0; p < starts; p++) {
    const kmer = canonical(seq, p, TANDEM_K);
    if (kmer === undefined) {
      d.push(undefined);
      continue;
    }
    const prev = lastSeen.get(kmer);
    d.push(prev !== undefined && p - prev <= MAX_PERIOD_BP ? p - prev : 0);
    lastSeen.set(kmer, p);
  }
  const nBins = Math.ceil(n / binBp);
  const near: number[] = [], period: number[] = [], share: number[] = [];
  const sampled: [number, number][] = [];
  for (let b = 0; b < nBins; b++) {
    const lo = Math.max(0, b * binBp - WINDOW_FLANK_BP);
    const hi = Math.min(starts, Math.min(n, (b + 1) * binBp) + WINDOW_FLANK_BP);
    const ds = d.slice(lo, hi).filter((x): x is number => x !== undefined);
    const withCopy = ds.filter((x) => x > 0);
    near.push(ds.length ? Math.fround(withCopy.length / ds.length) : 0);
    const within = (c: number) => withCopy.filter((x) => Math.abs(x - c) <= TOLERANCE_BP).length;
    if (withCopy.length < MIN_NEAR_POSITIONS || withCopy.length < MIN_NEAR_FRACTION * ds.length) {
      period.push(0);
      share.push(0);
      continue;
    }
    let mode = 0, best = 0;
    for (const c of new Set(withCopy.filter((x) => x >= MIN_PERIOD_BP))) {
      const s = within(c);
      if (s > best || (s === best && c < mode)) [mode, best] = [c, s];
    }
    if (mode === 0) {
      period.push(0);
      share.push(0);
      continue;
    }
    let unit = mode;
    for (let m = MAX_DIVISOR; m >= 2; m--) {
      const c = Math.round(mode / m);
      if (c >= MIN_PERIOD_BP && within(c) >= DIVISOR_MIN_RATIO * best) {
        unit = c;
        break;
      }
    }
    let exact = unit, exactCount = -1;
    for (let c = Math.max(MIN_PERIOD_BP, unit - TOLERANCE_BP); c <= unit + TOLERANCE_BP; c++) {
      const count = withCopy.filter((x) => x === c).length;
      if (count > exactCount) [exact, exactCount] = [c, count];
    }
    const multiples = (x: number) => {
      const m = Math.round(x / exact);
      return m >= 1 && m <= MAX_MULTIPLE && Math.abs(x - m * exact) <= TOLERANCE_BP;
    };
    const s = Math.fround(withCopy.filter(multiples).length / ds.length);
    period.push(exact);
    share.push(s);
    if (exact > FAMILY_MAX_PERIOD_BP || s < FAMILY_MIN_SHARE) continue;
    for (let p = b * binBp; p < Math.min(n, (b + 1) * binBp, starts); p++) {
      const x = d[p];
      if (!x || !multiples(x) || p < FAMILY_K - TANDEM_K) continue;
      const kmer = canonical(seq, p - (FAMILY_K - TANDEM_K), FAMILY_K);
      if (kmer !== undefined && isSampledCode(code(kmer))) sampled.push([b, code(kmer)]);
    }
  }
  return { near, period, share, sampled };
}

test('tandem-period features and sampled periodic k-mers follow their definitions, brute force', () => {
  const rand = rng(11);
  const monomer = randomBases(171, rand);
  const hor = [0, 1].map(() => mutate(monomer, 0.12, rand)).join('');
  const rdna = randomBases(480, rand);
  // unique; a clean array; a dimer HOR; an inverted soft-masked diverged block; a gap; a
  // microsatellite; IUPAC; a 480-bp-unit array; a short unit; unique again
  const seq =
    randomBases(6000, rand) + tandemArray(monomer, 9000, 0.02, rand) + tandemArray(hor, 8000, 0.01, rand, 0.002) +
    revcomp(tandemArray(monomer, 7000, 0.1, rand)).toLowerCase() + 'N'.repeat(500) + 'CA'.repeat(300) +
    randomBases(1500, rand).replace(/C/g, 'Y') + tandemArray(rdna, 9000, 0.005, rand) + tandemArray(randomBases(23, rand), 1200, 0.03, rand) +
    randomBases(5000, rand);
  // One workspace for every scan, as a feature worker keeps it: nothing of one scan (its
  // last-seen positions, its histogram) may reach the next, the same sequence included.
  const ws = new TandemWorkspace();
  // A scan that ends inside an array of the same monomer goes first: its last window's
  // distances, left in the histogram, would raise the share of the 171-bp array below.
  tandemFeatures(Buffer.from(tandemArray(monomer, 5000, 0, rand), 'latin1'), 1000, ws);
  for (const binBp of [1000, 700, 1000]) {
    const ours = tandemFeatures(Buffer.from(seq, 'latin1'), binBp, ws);
    const want = bruteForce(seq, binBp);
    assert.deepEqual([...ours.nearFraction], want.near, `near fraction, ${binBp}-bp bins`);
    assert.deepEqual([...ours.period], want.period, `period, ${binBp}-bp bins`);
    assert.deepEqual([...ours.periodShare], want.share, `period share, ${binBp}-bp bins`);
    assert.deepEqual([...ours.periodic.bins].map((b, i) => [b, ours.periodic.codes[i]]), want.sampled, `sampled codes, ${binBp}-bp bins`);
    // The fixture exercises what it should: periods found (monomer for the HOR) and sampled codes.
    assert.ok(want.period.includes(171) && want.period.includes(480) && want.period.includes(23), `periods ${[...new Set(want.period)]}`);
    assert.ok(want.sampled.length > 100);
  }
  // Short sequences: shorter than k, and all N.
  for (const s of ['ACGTACG', 'N'.repeat(3000), 'acgtTTGCAN'.repeat(40)]) {
    const ours = tandemFeatures(Buffer.from(s, 'latin1'), 1000, ws);
    const want = bruteForce(s, 1000);
    assert.deepEqual([...ours.nearFraction], want.near);
    assert.deepEqual([...ours.period], want.period);
  }
  // Positions near the int32 limit: the table is cleared and numbering starts again.
  ws.origin(0x7fffffff - ws.origin(0) - seq.length - 1);
  for (let i = 0; i < 2; i++) {
    const ours = tandemFeatures(Buffer.from(seq, 'latin1'), 1000, ws);
    assert.deepEqual([...ours.period], bruteForce(seq, 1000).period, `period after ${i ? 'the clearing' : 'a scan up to the limit'}`);
  }
});

test('family_shared_fraction follows its definition, brute force', () => {
  const rand = rng(5);
  const pick = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 4000));
  // Four sequences: three share one family of codes, one is small (not a carrier).
  const shared = pick(60);
  const seqs = [0, 1, 2, 3].map((i) => {
    const codes = i === 3 ? pick(5) : [...shared.filter(() => rand() < 0.7), ...pick(40)];
    const bins = codes.map(() => Math.floor(rand() * 6)).sort((a, b) => a - b);
    return { bins: Uint32Array.from(bins), codes: Uint32Array.from(codes) };
  });
  const ours = familySharedFraction(seqs, [6, 6, 6, 6]);
  const sketches = seqs.map((s) => new Set(s.codes));
  const carriers = sketches.map((s, i) => (s.size >= MIN_SKETCH_CODES ? i : -1)).filter((i) => i >= 0);
  for (const [i, s] of seqs.entries()) {
    const others = carriers.filter((c) => c !== i);
    for (let b = 0; b < 6; b++) {
      const codes = [...s.codes].filter((_, j) => s.bins[j] === b);
      const want = codes.length < MIN_BIN_CODES || others.length === 0 ? 0
        : codes.reduce((sum, c) => sum + others.filter((o) => sketches[o]!.has(c)).length / others.length, 0) / codes.length;
      assert.ok(Math.abs(ours[i]![b]! - want) < 1e-6, `sequence ${i} bin ${b}: ${ours[i]![b]} vs ${want}`);
    }
  }
  assert.ok(ours[0]!.some((v) => v > 0.3), 'shared codes give a high fraction');
});

test('tandem_period matches TRF (quarTeT settings) within ±2 bp on ≥ 95% of array bins', () => {
  const rand = rng(21);
  const arrays: { start: number; end: number }[] = [];
  let seq = randomBases(20_000, rand);
  const cases: [number, number, number][] = [[155, 0.03, 1], [180, 0.08, 1], [120, 0.06, 1], [350, 0.08, 1], [500, 0.005, 1], [160, 0.02, 2], [260, 0.1, 1]];
  for (const [unitBp, divergence, monomers] of cases) {
    const monomer = randomBases(unitBp, rand);
    const unit = Array.from({ length: monomers }, () => mutate(monomer, 0.1, rand)).join('');
    arrays.push({ start: seq.length, end: seq.length + 30_000 });
    seq += tandemArray(unit, 30_000, divergence, rand, 0.0005) + randomBases(15_000, rand);
  }
  const fasta = join(tmp.dir, 'arrays.fa');
  writeFileSync(fasta, `>chrA\n${seq.match(/.{1,60}/g)!.join('\n')}\n`);
  // trf writes its .dat into the working directory, and exits non-zero even on success.
  const trf = spawnSync('trf', [fasta, '2', '7', '7', '80', '10', '50', '2000', '-l', '3', '-d', '-h'], { cwd: tmp.dir, encoding: 'utf8' });
  assert.equal(trf.error, undefined, 'trf must be installed (scripts/install-test-deps.sh)');
  // .dat lines: start end period copies consensusSize … (1-based, inclusive)
  const hits = readFileSync(join(tmp.dir, 'arrays.fa.2.7.7.80.10.50.2000.dat'), 'utf8').split('\n')
    .filter((l) => /^\d+ \d+ \d+/.test(l)).map((l) => l.split(' ').map(Number)).map(([s, e, p]) => ({ start: s! - 1, end: e!, period: p! }));
  const ours = tandemFeatures(Buffer.from(seq, 'latin1'), 1000);
  let bins = 0, agree = 0;
  for (const a of arrays) {
    for (let b = Math.ceil(a.start / 1000); (b + 1) * 1000 <= a.end; b++) {
      // TRF reports a region at several periods (monomer, dimer, …): compare with its
      // smallest period covering the bin, which is what the divisor check aims for.
      const covering = hits.filter((h) => h.start <= b * 1000 && h.end >= (b + 1) * 1000 && h.period >= MIN_PERIOD_BP);
      if (!covering.length) continue;
      const trfPeriod = Math.min(...covering.map((h) => h.period));
      bins++;
      if (Math.abs(ours.period[b]! - trfPeriod) <= 2) agree++;
    }
  }
  console.log(`# TRF: ${agree} of ${bins} array bins agree`);
  assert.ok(bins >= 150, `TRF covered ${bins} array bins`);
  assert.ok(agree >= 0.95 * bins, `${agree} of ${bins} array bins within ±2 bp of TRF's period`);
});
