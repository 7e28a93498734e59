import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BigWigTrack } from '../src/readers/bigwigTrack.js';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import type { Chromosome } from '../src/genome.js';
import { python, runCli, sh, tempDir } from './helpers.js';

/**
 * BigWigTrack against pyBigWig (Debian python3-pybigwig), and the example-signal track model
 * end to end against an independent whole-chromosome computation of what it does.
 */

const BIN = 100;
/** FASTA order; both lengths are not multiples of 100, chrA spans three 200-kb segments. */
const GENOME: Chromosome[] = [
  { name: 'chrA', length: 450_123 },
  { name: 'chrB', length: 123_457 },
];
/** In the bigWig but not in the FASTA: must be ignored. */
const EXTRA = { name: 'chrZ', length: 5_000 };

/** Windows passed to binMeans: [chrom, start, end]. Starts before 0 / ends past the end included. */
const WINDOWS: [string, number, number][] = [
  ['chrB', -2_300, 123_457 + 4_567], // negative start (bin-aligned), end past the chromosome
  ['chrA', -1_000, 250_000], // negative start, ends inside
  ['chrA', 4_321, 450_123 + 250], // start not on the 100-bp grid, end past the chromosome
  ['chrA', 197_000, 203_000], // across a segment boundary
  ['chrA', 449_900, 451_000], // just the chromosome's tail, its last bin is 23 bp
  ['chrB', -500, 0], // entirely before the chromosome
  ['chrB', 123_457 + 100, 123_457 + 1_000], // entirely past it
];

/**
 * Writes the fixture bigWig with pyBigWig (bedGraph-style variable spans, fixed-step runs with
 * and without gaps between items, variable-step runs with span 1, stretches without data,
 * values including 0 and negatives) and prints, computed from pyBigWig's own per-base values
 * (no data → 0), the per-100-bp bin means of every chromosome and of every window.
 */
const FIXTURE = String.raw`
import json, math, random, sys
import numpy as np
import pyBigWig

path = sys.argv[1]
chroms = json.loads(sys.argv[2])
windows = json.loads(sys.argv[3])
BIN = 100
rng = random.Random(424242)

bw = pyBigWig.open(path, 'w')
bw.addHeader([(c['name'], c['length']) for c in chroms], maxZooms=10)

def background():
    r = rng.random()
    if r < 0.15: return 0.0
    if r < 0.35: return -rng.choice([0.25, 0.5, 0.75, 0.9]) * rng.random()
    return rng.uniform(0.0, 3.0)

def bedgraph(chrom, a, b, value, holes=True):
    """Variable-span entries covering [a, b), with an occasional small hole."""
    starts, ends, values = [], [], []
    pos = a
    while pos < b:
        if holes and rng.random() < 0.1:
            pos += rng.randint(1, 150)
            continue
        e = min(b, pos + rng.randint(1, 400))
        starts.append(pos); ends.append(e); values.append(value())
        pos = e
    if starts:
        bw.addEntries([chrom] * len(starts), starts, ends=ends, values=values)

def fixed(chrom, a, b, span, step):
    n = (b - a) // step  # libBigWig takes a fixed-step run to end at start + n * step
    if n > 0:
        bw.addEntries(chrom, a, values=[background() for _ in range(n)], span=span, step=step)

def variable(chrom, a, b, span):
    starts = sorted(rng.sample(range(a, b - span, span), min(200, (b - a) // (3 * span))))
    starts = [s for i, s in enumerate(starts) if i == 0 or s >= starts[i - 1] + span]
    if starts:
        bw.addEntries(chrom, starts, values=[background() for _ in starts], span=span)

def high():
    return rng.uniform(6.0, 25.0)

def fill(chrom, a, b):
    """Mixed background over [a, b), with stretches that have no data at all."""
    pos = a
    while pos < b:
        pos += rng.choice([0, 0, rng.randint(1, 5000)])
        if pos >= b: break
        e = min(b, pos + rng.randint(500, 12000))
        kind = rng.random()
        if kind < 0.45: bedgraph(chrom, pos, e, background)
        elif kind < 0.65: fixed(chrom, pos, e, 20, 50)
        elif kind < 0.8: fixed(chrom, pos, e, 25, 25)
        elif kind < 0.9: variable(chrom, pos, e, 1)
        else: variable(chrom, pos, e, 7)
        pos = e

def plan(chrom, length, enriched):
    """enriched: sorted, disjoint [a, b) stretches of high signal; background elsewhere."""
    pos = 0
    for a, b in enriched:
        fill(chrom, pos, a)
        bedgraph(chrom, a, b, high, holes=b < length)  # solid up to the chromosome's end
        pos = b
    fill(chrom, pos, length)

lengths = {c['name']: c['length'] for c in chroms}
for c in chroms:
    name, L = c['name'], c['length']
    if name == 'chrA':
        enriched = [(0, 1500), (30_000, 34_000), (120_000, 120_700), (198_900, 201_300),
                    (260_000, 262_000), (399_300, 400_900), (448_800, L)]
    elif name == 'chrB':
        enriched = [(5_000, 9_000), (60_000, 60_500), (122_000, L - 57)]
    else:
        enriched = [(1_000, 2_000)]
    plan(name, L - 57 if name == 'chrB' else L, enriched)
    if name == 'chrB':
        bw.addEntries([name], [L - 57], ends=[L], values=[40.0])  # the last, short bin
bw.close()

bw = pyBigWig.open(path)
assert dict(bw.chroms()) == lengths, bw.chroms()
base = {}
for name, L in lengths.items():
    v = np.array(bw.values(name, 0, L, numpy=True), dtype=np.float64)
    v[np.isnan(v)] = 0.0
    base[name] = v
entries = sum(len(bw.intervals(name) or ()) for name in lengths)
bw.close()

def means(name, start, end):
    L = lengths[name]
    v = base[name]
    out = []
    for k in range(math.ceil((end - start) / BIN)):
        bs = start + k * BIN
        lo, hi = max(0, bs), min(L, bs + BIN)
        if hi <= lo or bs < 0 and bs + BIN > 0:
            # Outside the chromosome (a bin straddling 0 does not occur with these windows).
            assert hi <= lo, (name, start, end)
            out.append(0.0)
            continue
        out.append(float(v[lo:hi].sum()) / (hi - bs))
    return out

json.dump({
    'entries': entries,
    'chroms': {name: means(name, 0, L) for name, L in lengths.items()},
    'windows': [means(name, s, e) for name, s, e in windows],
}, sys.stdout)
`;

interface Fixture {
  entries: number;
  chroms: Record<string, number[]>;
  windows: number[][];
}

let tmp: ReturnType<typeof tempDir>;
let bwPath: string;
let faPath: string;
let fixture: Fixture;

before(async () => {
  tmp = tempDir('genomeinfer-bigwig-');
  bwPath = join(tmp.dir, 'signal.bw');
  faPath = join(tmp.dir, 'genome.fa');
  fixture = JSON.parse(python(FIXTURE, [bwPath, JSON.stringify([...GENOME, EXTRA]), JSON.stringify(WINDOWS)])) as Fixture;
  await writeExampleGenome(faPath, GENOME);
});

after(() => tmp?.cleanup());

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: bin count`);
  for (let b = 0; b < expected.length; b++) {
    const e = expected[b]!;
    const a = actual[b]!;
    if (!(Math.abs(a - e) <= 1e-5 * Math.abs(e) + 1e-9)) {
      assert.fail(`${what}: bin ${b}: got ${a}, expected ${e}`);
    }
  }
}

test('fixture bigWig mixes entry kinds, gaps, zeros and negatives', () => {
  assert.ok(fixture.entries > 1000, `only ${fixture.entries} entries`);
  for (const { name, length } of GENOME) assert.equal(fixture.chroms[name]!.length, Math.ceil(length / BIN));
  const all = Object.values(fixture.chroms).flat();
  assert.ok(all.some((m) => m < 0), 'some bin means are negative');
  assert.ok(all.filter((m) => m === 0).length > 50, 'some bins have no data');
  assert.ok(all.some((m) => m > 5), 'some bins are enriched');
});

test('binMeans matches per-base pyBigWig values averaged per 100-bp bin, whole chromosomes', async () => {
  const track = await BigWigTrack.open(bwPath, 'signal', GENOME, faPath);
  for (const { name, length } of GENOME) {
    const got = await track.binMeans(name, 0, length, BIN);
    assertClose(got, fixture.chroms[name]!, name);
    // The last bin is short and divides by its own length.
    assert.equal(got.length, Math.ceil(length / BIN));
  }
  // chrB's last, 57-bp bin holds 40.0 throughout.
  const b = fixture.chroms.chrB!;
  assert.ok(Math.abs(b[b.length - 1]! - 40) < 1e-9);
  // The reader also accepts a caller-supplied output buffer, and clears it first.
  const out = new Float32Array(Math.ceil(GENOME[1]!.length / BIN)).fill(7);
  const got = await track.binMeans('chrB', 0, GENOME[1]!.length, BIN, out);
  assert.equal(got, out);
  assertClose(out, fixture.chroms.chrB!, 'chrB into a buffer');
});

test('binMeans over windows before 0 and past the chromosome end: zeros outside', async () => {
  const track = await BigWigTrack.open(bwPath, 'signal', GENOME, faPath);
  for (const [i, [chrom, start, end]] of WINDOWS.entries()) {
    const got = await track.binMeans(chrom, start, end, BIN);
    const what = `${chrom}:${start}-${end}`;
    assertClose(got, fixture.windows[i]!, what);
    for (let b = 0; b < got.length; b++) {
      const bs = start + b * BIN;
      const length = GENOME.find((c) => c.name === chrom)!.length;
      if (bs + BIN <= 0 || bs >= length) assert.equal(got[b], 0, `${what}: bin ${b} is outside the chromosome`);
    }
    // Bin-aligned windows agree with the whole-chromosome means where they overlap.
    if (start % BIN === 0) {
      const whole = fixture.chroms[chrom]!;
      for (let b = 0; b < got.length; b++) {
        const j = start / BIN + b;
        if (j >= 0 && j < whole.length) assert.ok(Math.abs(got[b]! - whole[j]!) <= 1e-5 * Math.abs(whole[j]!) + 1e-9, `${what}: bin ${b}`);
      }
    }
  }
});

/** The example-signal model over a whole chromosome at once, from float64 bin means. */
function exampleSignal(means: readonly number[]): Float64Array {
  const z = means.map((m) => (Math.log1p(m) - 0.5) / 1.0);
  const p = new Float64Array(z.length);
  for (let b = 0; b < z.length; b++) {
    let sum = 0;
    for (let k = b - 4; k <= b + 4; k++) if (k >= 0 && k < z.length) sum += z[k]!;
    p[b] = 1 / (1 + Math.exp(-4 * (sum / 9 - 1)));
  }
  return p;
}

interface Prediction {
  bed: string;
  bedGraph: string;
  expected: Map<string, Float64Array>;
}

let prediction: Promise<Prediction> | undefined;

/** Runs the CLI once (shared by the tests that check its outputs). */
function predict(): Promise<Prediction> {
  prediction ??= (async () => {
    const bed = join(tmp.dir, 'out.bed');
    const bedGraph = join(tmp.dir, 'out.bedgraph');
    const r = runCli(['predict', '--model', 'example-signal', '--fasta', faPath, '--track', `signal=${bwPath}`, '--out', bed, '--bedgraph', bedGraph, '--workers', '2']);
    assert.equal(r.status, 0, `predict failed: ${r.stderr}`);
    const expected = new Map(GENOME.map((c) => [c.name, exampleSignal(fixture.chroms[c.name]!)]));
    return { bed: readFileSync(bed, 'utf8'), bedGraph: readFileSync(bedGraph, 'utf8'), expected };
  })();
  return prediction;
}

test('predict --track: bedGraph equals the model computed over whole chromosomes', async () => {
  const { bedGraph, expected } = await predict();
  const lines = bedGraph.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.match(lines[0]!, /^track type=bedGraph /);
  assert.equal(lines.filter((l) => l.startsWith('track')).length, 1, 'one track line');
  const seen: string[] = [];
  let maxDiff = 0;
  let prev: string[] | undefined;
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    assert.equal(f.length, 4, line);
    const [chrom, s, e, value] = f as [string, string, string, string];
    const start = Number(s);
    const end = Number(e);
    assert.match(value, /^[01]\.\d{6}$/, line);
    if (seen.at(-1) !== chrom) {
      assert.ok(!seen.includes(chrom), `${chrom} appears in two runs`);
      seen.push(chrom);
      assert.equal(start, 0, `${chrom} starts at 0`);
    } else {
      assert.equal(start, Number(prev![2]), `contiguous: ${line}`);
      assert.notEqual(value, prev![3], `runs of equal values are merged: ${line}`);
    }
    const length = GENOME.find((c) => c.name === chrom)!.length;
    assert.ok(start % BIN === 0 && (end % BIN === 0 || end === length) && end > start && end <= length, line);
    const p = expected.get(chrom)!;
    for (let b = start / BIN; b < Math.ceil(end / BIN); b++) {
      maxDiff = Math.max(maxDiff, Math.abs(Number(value) - p[b]!));
      if (Math.abs(Number(value) - p[b]!) > 2e-6) assert.fail(`${chrom} bin ${b}: bedGraph ${value}, expected ${p[b]}`);
    }
    prev = f;
  }
  assert.deepEqual(seen, GENOME.map((c) => c.name), 'chromosomes in FASTA order');
  for (const { name, length } of GENOME) {
    const last = lines.filter((l) => l.startsWith(`${name}\t`)).at(-1)!.split('\t');
    assert.equal(Number(last[2]), length, `${name} ends at its length`);
  }
  assert.ok(maxDiff <= 2e-6, `max difference ${maxDiff}`);
});

test('predict --track: BED regions lie where the expected probability is ≥ 0.5, bedtools-sorted', async () => {
  const { bed, expected } = await predict();
  const bedPath = join(tmp.dir, 'out.bed');
  const rows = bed.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  assert.ok(rows.length >= 8, `only ${rows.length} regions`);
  const byChrom = new Map<string, [number, number][]>();
  for (const f of rows) {
    assert.equal(f.length, 9, f.join('\t'));
    const [chrom, s, e] = f as [string, string, string];
    const start = Number(s);
    const end = Number(e);
    const length = GENOME.find((c) => c.name === chrom)!.length;
    assert.ok(start >= 0 && start < end && end <= length && start % BIN === 0, f.join('\t'));
    assert.ok(end - start >= 200, `min_region_bp 200: ${f.join('\t')}`);
    const p = expected.get(chrom)!;
    for (let b = start / BIN; b < Math.ceil(end / BIN); b++) {
      assert.ok(p[b]! >= 0.5 - 2e-6, `${chrom}:${start}-${end} bin ${b} has expected probability ${p[b]}`);
    }
    byChrom.set(chrom, [...(byChrom.get(chrom) ?? []), [start, end]]);
  }
  // And exactly the expected regions: runs of bins ≥ 0.5 at least 200 bp long.
  for (const { name, length } of GENOME) {
    const p = expected.get(name)!;
    // The fixture is deterministic and has no bin within rounding of the threshold.
    assert.ok(!p.some((v) => Math.abs(v - 0.5) < 1e-5), `${name} has a borderline bin`);
    const want: [number, number][] = [];
    for (let b = 0; b < p.length; ) {
      if (p[b]! < 0.5) {
        b++;
        continue;
      }
      let e = b;
      while (e < p.length && p[e]! >= 0.5) e++;
      const end = Math.min(e * BIN, length);
      if (end - b * BIN >= 200) want.push([b * BIN, end]);
      b = e;
    }
    assert.deepEqual(byChrom.get(name) ?? [], want, `${name} regions`);
  }
  // The chromosome ends and the segment boundaries (200 kb, 400 kb) carry enriched regions.
  const a = byChrom.get('chrA')!;
  assert.ok(a.some(([s, e]) => s <= 200_000 && e > 200_000), 'a region spans the first segment boundary');
  assert.ok(a.some(([s, e]) => s <= 400_000 && e > 400_000), 'a region spans the second segment boundary');
  assert.ok(a.some(([, e]) => e === GENOME[0]!.length), 'a region reaches the end of chrA');
  assert.ok(byChrom.get('chrB')!.some(([, e]) => e === GENOME[1]!.length), 'a region reaches the end of chrB');

  const sorted = sh('bedtools', ['sort', '-faidx', `${faPath}.fai`, '-i', bedPath]);
  assert.equal(sorted, bed, 'bedtools sort -faidx leaves the BED unchanged');
});
