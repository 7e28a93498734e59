import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BigWig } from '@gmod/bbi';
import type { Chromosome } from '../src/genome.js';
import { writeExampleGenome, EXAMPLE_CHROMOSOMES } from '../src/examples/exampleGenome.js';
import { formatProbability } from '../src/writers/bedGraph.js';
import { BigWigWriter, type BigWigOptions } from '../src/writers/bigWigWriter.js';
import { planSections, sectionBytes } from '../src/writers/bigWigSections.js';
import { zoomReductions } from '../src/writers/bigWigZoom.js';
import { mulberry32 } from '../src/simulate/random.js';
import { frameStored, STORED_HEADER_BYTES, STORED_OVERHEAD_BYTES } from '../src/writers/zlibStored.js';
import { inflateSync } from 'node:zlib';
import { python, runCli, tempDir } from './helpers.js';

/**
 * Our bigWig writer read back by two independent readers: Debian's python3-pybigwig
 * (libBigWig, C) and @gmod/bbi (JBrowse's reader). Values must come back bit-exact as the
 * float32 we wrote, at every bin; zoom summaries must agree with the data they summarize.
 */

const BIN = 100;

/** FASTA order; chrA's length is not a multiple of the bin, chrB is shorter than one bin. */
const GENOME: Chromosome[] = [
  { name: 'chrA', length: 450_037 },
  { name: 'chrB', length: 60 },
  { name: 'chr10', length: 123_400 },
  { name: 'chrM', length: 16_569 },
];

/** Per-bin values mixing what tracks contain: noise, plateaus, a gap of zeros, extremes. */
function fixtureValues(chroms: readonly Chromosome[], seed: number): Map<string, Float32Array> {
  const rand = mulberry32(seed);
  const out = new Map<string, Float32Array>();
  for (const { name, length } of chroms) {
    const v = new Float32Array(Math.ceil(length / BIN));
    if (name === 'chrB') v.fill(0.75);
    else if (name === 'chrM') v.fill(0);
    else if (name === 'chr10') for (let b = 0; b < v.length; b++) v[b] = rand();
    else {
      let b = 0;
      const stretch = (end: number, value: () => number) => {
        for (; b < Math.min(end, v.length); b++) v[b] = value();
      };
      stretch(1200, rand); // changes every bin: fixedStep
      while (b < Math.min(2600, v.length)) {
        // plateaus of 3–12 bins: bedGraph runs
        const x = rand();
        stretch(b + 3 + Math.floor(rand() * 10), () => x);
      }
      stretch(3100, () => 0); // an assembly gap
      if (v.length > 2650) v[2650] = -0; // a distinct bit pattern that must survive
      while (b < v.length) {
        const r = rand();
        if (r < 0.05) stretch(b + 1, () => -3.5 * rand());
        else if (r < 0.07) stretch(b + 1, () => 1e6 * rand());
        else if (r < 0.12) {
          const x = rand();
          stretch(b + 2 + Math.floor(rand() * 40), () => x);
        } else stretch(b + 1, rand);
      }
    }
    out.set(name, v);
  }
  return out;
}

/** Mean / min / max of the bins overlapping [start, end), weighting by overlapping bases. */
function expectedStat(values: Float32Array, length: number, start: number, end: number, type: 'mean' | 'min' | 'max'): number {
  let sum = 0;
  let bases = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let b = Math.floor(start / BIN); b * BIN < Math.min(end, length); b++) {
    const overlap = Math.min(end, length, (b + 1) * BIN) - Math.max(start, b * BIN);
    const v = values[b]!;
    sum += v * overlap;
    bases += overlap;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return type === 'mean' ? sum / bases : type === 'min' ? min : max;
}

function close(actual: number, expected: number, rel: number, what: string): void {
  if (!(Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-9)) assert.fail(`${what}: got ${actual}, expected ${expected}`);
}

/** Bins covered by [start, end) items, each item's value into every bin it covers. */
function toBins(length: number, items: readonly { start: number; end: number; value: number }[], what: string): Float64Array {
  const out = new Float64Array(Math.ceil(length / BIN)).fill(NaN);
  let pos = 0;
  for (const { start, end, value } of items) {
    assert.equal(start, pos, `${what}: items are contiguous from 0 (${start} after ${pos})`);
    assert.ok(end > start && end <= length && start % BIN === 0 && (end % BIN === 0 || end === length), `${what}: item ${start}-${end}`);
    for (let b = start / BIN; b < Math.ceil(end / BIN); b++) out[b] = value;
    pos = end;
  }
  assert.equal(pos, length, `${what}: items end at the chromosome's end`);
  return out;
}

function assertBinsExact(got: Float64Array, values: Float32Array, what: string): void {
  assert.equal(got.length, values.length, `${what}: bin count`);
  for (let b = 0; b < values.length; b++) {
    if (!Object.is(got[b], values[b])) assert.fail(`${what}: bin ${b} reads ${got[b]}, wrote ${values[b]}`);
  }
}

/** pyBigWig's view of a file: chroms, header, intervals, per-base uniformity, stats (zoom and exact). */
const PY_READ = String.raw`
import json, math, sys
import numpy as np
import pyBigWig

path, BIN = sys.argv[1], int(sys.argv[2])
queries = json.loads(sys.stdin.read())
bw = pyBigWig.open(path)
assert bw.isBigWig()
out = {'chroms': bw.chroms(), 'header': bw.header(), 'intervals': {}, 'uniform': {}, 'stats': []}
for name, L in bw.chroms().items():
    out['intervals'][name] = [list(i) for i in bw.intervals(name) or ()]
    if not out['intervals'][name]:
        out['uniform'][name] = None  # a chromosome without data
        continue
    v = bw.values(name, 0, L, numpy=True)
    # Every base of a bin reads the bin's value (and none is missing).
    ok = not np.isnan(v).any()
    for b in range(0, L, BIN):
        ok = ok and bool(np.all(v[b:b + BIN] == v[b]))
    out['uniform'][name] = ok
def clean(xs):
    return [None if x is None or math.isnan(x) else x for x in xs]
for q in queries:
    args = (q['chrom'], q['start'], q['end'])
    out['stats'].append({
        'zoom': clean(bw.stats(*args, type=q['type'], nBins=q['nBins'])),
        'exact': clean(bw.stats(*args, type=q['type'], nBins=q['nBins'], exact=True)),
    })
bw.close()
json.dump(out, sys.stdout)
`;

interface StatsQuery {
  chrom: string;
  start: number;
  end: number;
  nBins: number;
  type: 'mean' | 'min' | 'max';
}

interface PyRead {
  chroms: Record<string, number>;
  header: { version: number; nLevels: number; nBasesCovered: number; minVal: number; maxVal: number; sumData: number };
  intervals: Record<string, [number, number, number][]>;
  uniform: Record<string, boolean | null>;
  stats: { zoom: (number | null)[]; exact: (number | null)[] }[];
}

function pyRead(path: string, queries: StatsQuery[] = []): PyRead {
  return JSON.parse(python(PY_READ, [path, String(BIN)], JSON.stringify(queries))) as PyRead;
}

async function writeTrack(path: string, chroms: readonly Chromosome[], values: Map<string, Float32Array>, options: Partial<BigWigOptions> = {}): Promise<BigWigWriter> {
  const w = await BigWigWriter.create(path, chroms, { binBp: BIN, ...options });
  for (const c of chroms) await w.addChromosome(c.name, values.get(c.name)!);
  await w.close();
  return w;
}

function totals(chroms: readonly Chromosome[], values: Map<string, Float32Array>) {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const { name, length } of chroms) {
    const v = values.get(name)!;
    for (let b = 0; b < v.length; b++) {
      sum += v[b]! * Math.min(BIN, length - b * BIN);
      min = Math.min(min, v[b]!);
      max = Math.max(max, v[b]!);
    }
  }
  return { sum, min, max, bases: chroms.reduce((s, c) => s + c.length, 0) };
}

/** Values and zoom summaries through @gmod/bbi, and its header. */
async function checkWithBbi(path: string, chroms: readonly Chromosome[], values: Map<string, Float32Array>, zoomLevels: readonly number[]): Promise<void> {
  const bw = new BigWig({ path });
  const header = await bw.getHeader();
  assert.deepEqual(header.zoomLevels.map((z) => z.reductionLevel), [...zoomLevels]);
  // Chromosome ids are ranks of the names in byte order, as kent assigns them.
  const sortedNames = chroms.map((c) => c.name).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual(header.refsByName, Object.fromEntries(sortedNames.map((n, i) => [n, i])));
  for (const c of chroms) assert.equal(header.refsByNumber[header.refsByName[c.name]!]!.length, c.length, `${c.name} length`);
  const t = totals(chroms, values);
  assert.equal(header.totalSummary.basesCovered, t.bases);
  assert.equal(header.totalSummary.scoreMin, t.min);
  assert.equal(header.totalSummary.scoreMax, t.max);
  close(header.totalSummary.scoreSum, t.sum, 1e-9, 'total sum');

  for (const { name, length } of chroms) {
    const v = values.get(name)!;
    const features = await bw.getFeatures(name, 0, length);
    const got = toBins(length, features.map((f) => ({ start: f.start, end: f.end, value: f.score! })), `bbi ${name}`);
    assertBinsExact(got, v, `bbi ${name}`);

    for (const reduction of zoomLevels) {
      const what = `bbi ${name} zoom ${reduction}`;
      const zoom = await bw.getFeatures(name, 0, length, { basesPerSpan: reduction });
      assert.equal(zoom.length, Math.ceil(length / reduction), `${what}: one record per ${reduction} bp`);
      for (const [i, f] of zoom.entries()) {
        assert.equal(f.summary, true, what);
        assert.equal(f.start, i * reduction, what);
        assert.equal(f.end, Math.min((i + 1) * reduction, length), what);
        // min/max are float32 values of the data: exact (=== lets -0 and 0 tie). The mean
        // divides a float32 sum.
        const [min, max] = [expectedStat(v, length, f.start, f.end, 'min'), expectedStat(v, length, f.start, f.end, 'max')];
        assert.ok(f.minScore === min, `${what} record ${i} min: got ${f.minScore}, expected ${min}`);
        assert.ok(f.maxScore === max, `${what} record ${i} max: got ${f.maxScore}, expected ${max}`);
        close(f.score!, expectedStat(v, length, f.start, f.end, 'mean'), 1e-6, `${what} record ${i} mean`);
      }
    }
  }
}

/** Values, header and stats through pyBigWig. */
function checkWithPyBigWig(path: string, chroms: readonly Chromosome[], values: Map<string, Float32Array>, zoomLevels: readonly number[], queries: StatsQuery[]): void {
  const r = pyRead(path, queries);
  assert.deepEqual(r.chroms, Object.fromEntries(chroms.map((c) => [c.name, c.length])));
  const t = totals(chroms, values);
  assert.equal(r.header.version, 4);
  assert.equal(r.header.nLevels, zoomLevels.length);
  assert.equal(r.header.nBasesCovered, t.bases);
  // This pyBigWig reports the summary's doubles truncated to integers.
  assert.ok(Math.abs(r.header.sumData - t.sum) < 1, `header sumData ${r.header.sumData}, expected ${t.sum}`);
  for (const { name, length } of chroms) {
    const items = r.intervals[name]!.map(([start, end, value]) => ({ start, end, value }));
    assertBinsExact(toBins(length, items, `pyBigWig ${name}`), values.get(name)!, `pyBigWig ${name}`);
    assert.equal(r.uniform[name], true, `pyBigWig ${name}: every base of a bin has the bin's value`);
  }
  for (const [i, q] of queries.entries()) {
    const { zoom, exact } = r.stats[i]!;
    const v = values.get(q.chrom)!;
    const length = chroms.find((c) => c.name === q.chrom)!.length;
    for (let k = 0; k < q.nBins; k++) {
      const s = q.start + Math.floor(((q.end - q.start) * k) / q.nBins);
      const e = q.start + Math.floor(((q.end - q.start) * (k + 1)) / q.nBins);
      const want = expectedStat(v, length, s, e, q.type);
      const what = `pyBigWig stats ${q.type} ${q.chrom}:${s}-${e}`;
      assert.ok(exact[k] !== null && zoom[k] !== null, `${what}: no value`);
      close(exact[k]!, want, 1e-9, `${what} exact`);
      close(zoom[k]!, want, 1e-5, `${what} from zoom levels`);
    }
  }
}

/** One chromosome's sections, each in a buffer of its own. */
function dataSections(chromId: number, length: number, binBp: number, values: Float32Array, itemsPerSlot?: number) {
  return planSections(length, binBp, values, itemsPerSlot).map((p) => ({ start: p.start, end: p.end, bytes: sectionBytes(chromId, length, binBp, values, p) }));
}

let tmp: ReturnType<typeof tempDir>;
before(() => {
  tmp = tempDir('genomeinfer-bigwig-writer-');
});
after(() => tmp?.cleanup());

test('data sections: bedGraph runs for plateaus, fixedStep for noise, the short last bin clipped', () => {
  const length = 1_000 * BIN + 37;
  const v = new Float32Array(1_001);
  for (let b = 0; b < 512; b++) v[b] = b; // changes every bin
  for (let b = 512; b < 1_001; b++) v[b] = Math.floor(b / 10); // 10-bin plateaus (the first is 8)
  const sections = [...dataSections(7, length, BIN, v, 256)];
  const types = sections.map((s) => s.bytes[20]);
  assert.deepEqual(types, [3, 3, 1], 'two fixedStep sections (≤ 256 bins each), then bedGraph');
  for (const s of sections) {
    const view = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.length);
    assert.equal(view.getUint32(0, true), 7, 'chromosome id');
    assert.equal(view.getUint32(4, true), s.start);
    assert.equal(view.getUint32(8, true), s.end);
    assert.ok(view.getUint16(22, true) <= 256, 'items per section');
  }
  assert.deepEqual(sections.map((s) => [s.start, s.end]), [[0, 25_600], [25_600, 51_200], [51_200, length]]);
  // Values changing every bin and a short last bin: fixedStep, then the last bin alone as bedGraph.
  const noise = Float32Array.from({ length: 11 }, (_, i) => i * 0.5 + 0.25);
  const tail = [...dataSections(0, 10 * BIN + 1, BIN, noise, 1024)];
  assert.deepEqual(tail.map((s) => [s.bytes[20], s.start, s.end]), [[3, 0, 1_000], [1, 1_000, 1_001]]);
});

test('pyBigWig and @gmod/bbi read every bin back exactly; zoom summaries match the data', async () => {
  const values = fixtureValues(GENOME, 1234);
  const chrA = [...dataSections(0, GENOME[0]!.length, BIN, values.get('chrA')!)].map((s) => s.bytes[20]);
  assert.deepEqual(new Set(chrA), new Set([1, 3]), 'chrA is written with both section types');
  const path = join(tmp.dir, 'track.bw');
  const w = await writeTrack(path, GENOME, values);
  // 16×, 64×… the bin while each level at least halves the records of the one below: 372,
  // 95, 25 and 9 records (chrA 282, 71, 18, 5; chr10 78, 20, 5, 2; chrM 11, 3, 1, 1; chrB 1);
  // 409,600 would leave 5 (chrA 2), more than half of 9.
  assert.deepEqual(w.zoomLevels, [1_600, 6_400, 25_600, 102_400]);
  // A single chromosome: until one record covers it (450,037 bp: 2 records at 409,600).
  assert.deepEqual(zoomReductions(BIN, [450_037]), [1_600, 6_400, 25_600, 102_400, 409_600, 1_638_400]);
  // Two chromosomes and 20,000 short scaffolds: 20,000+ records at every level, so one level.
  assert.deepEqual(zoomReductions(BIN, [3_000_000, 2_000_000, ...Array.from({ length: 20_000 }, (_, i) => 100 + (i % 1900))]), [1_600]);
  // Windows aligned to zoom records (pyBigWig uses the level ≤ half the window), plus one
  // too narrow for any zoom level, which pyBigWig answers from the data.
  const windows: Omit<StatsQuery, 'type'>[] = [
    { chrom: 'chrA', start: 0, end: 450_037, nBins: 1 },
    { chrom: 'chrA', start: 0, end: 409_600, nBins: 4 },
    { chrom: 'chrA', start: 0, end: 409_600, nBins: 64 },
    { chrom: 'chrA', start: 102_400, end: 204_800, nBins: 16 },
    { chrom: 'chrA', start: 0, end: 3_200, nBins: 1 },
    { chrom: 'chrA', start: 250_000, end: 253_000, nBins: 3 },
    { chrom: 'chr10', start: 0, end: 123_400, nBins: 1 },
    { chrom: 'chrM', start: 0, end: 16_569, nBins: 1 },
  ];
  const queries = windows.flatMap((q) => (['mean', 'min', 'max'] as const).map((type) => ({ ...q, type })));
  checkWithPyBigWig(path, GENOME, values, w.zoomLevels, queries);
  await checkWithBbi(path, GENOME, values, w.zoomLevels);
  assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});

test('multi-level chromosome B+ tree and R-trees (small blocks) read back the same', async () => {
  // Seven chromosomes with a B+ tree fan-out of 3, and 8-item sections under an R-tree of
  // fan-out 3: several index levels everywhere, as a genome of many contigs would have.
  const chroms: Chromosome[] = [
    { name: 'scaffold_7', length: 9_050 },
    { name: 'chr2', length: 12_345 },
    { name: 'chr1', length: 20_000 },
    { name: 'chrUn', length: 99 },
    { name: 'chr11', length: 4_321 },
    { name: 'Chr3', length: 30_001 },
    { name: 'chr1_random', length: 777 },
  ];
  const values = fixtureValues(chroms, 99);
  const path = join(tmp.dir, 'small-blocks.bw');
  const w = await writeTrack(path, chroms, values, { blockSize: 3, itemsPerSlot: 8 });
  const queries: StatsQuery[] = [
    { chrom: 'Chr3', start: 0, end: 30_001, nBins: 1, type: 'mean' },
    { chrom: 'chr1', start: 0, end: 19_200, nBins: 3, type: 'max' },
  ];
  checkWithPyBigWig(path, chroms, values, w.zoomLevels, queries);
  await checkWithBbi(path, chroms, values, w.zoomLevels);
});

test('bad calls are refused and abort leaves nothing behind', async () => {
  const dir = join(tmp.dir, 'refused');
  const path = join(dir, 'x.bw');
  await assert.rejects(BigWigWriter.create(path, [{ name: 'a', length: 10 }, { name: 'a', length: 20 }], { binBp: BIN }), /chromosome a is listed twice/);
  await assert.rejects(BigWigWriter.create(path, [{ name: 'a', length: 2 ** 32 }], { binBp: BIN }), /outside what bigWig holds/);
  const w = await BigWigWriter.create(path, GENOME, { binBp: BIN });
  await assert.rejects(w.addChromosome('chrZ', new Float32Array(1)), /chrZ was not declared/);
  await assert.rejects(w.addChromosome('chrB', new Float32Array(2)), /needs 1 bins of 100 bp, got 2/);
  await assert.rejects(w.addChromosome('chrB', Float32Array.of(NaN)), /chrB bin 0 is NaN/);
  await w.addChromosome('chrB', Float32Array.of(0.5));
  await assert.rejects(w.addChromosome('chrB', Float32Array.of(0.5)), /chrB added twice/);
  await w.abort();
  assert.deepEqual(readdirSync(dir), [], 'no file and no temporary file');
  // Chromosomes never added are valid, empty chromosomes.
  const partial = await BigWigWriter.create(path, GENOME, { binBp: BIN });
  await partial.addChromosome('chr10', fixtureValues(GENOME, 5).get('chr10')!);
  await partial.close();
  const r = pyRead(path);
  assert.equal(r.header.nBasesCovered, 123_400);
  assert.deepEqual(r.intervals.chrA, []);
  assert.equal(r.uniform.chrA, null);
  assert.equal(r.intervals.chr10!.length, 1_234);
});

test('predict --bigwig-out: one bigWig per label, equal to the same run\'s bedGraph at every bin', async () => {
  const dir = join(tmp.dir, 'predict');
  const fasta = join(dir, 'example.fa');
  mkdirSync(dir);
  await writeExampleGenome(fasta);
  {
    const out = join(dir, 'out');
    const r = runCli(['predict', '--model', 'example-cpg', '--fasta', fasta, '--out', `${out}.bed`, '--bedgraph', `${out}.bedgraph`, '--bigwig-out', out, '--workers', '1', '--device', 'cpu']);
    assert.equal(r.status, 0, r.stderr);
    const labels = ['gc_rich', 'cpg_island', 'motif_dense'];
    const fai = Object.fromEntries(EXAMPLE_CHROMOSOMES.map((c) => [c.name, c.length]));
    for (const label of labels) {
      const bwPath = `${out}.${label}.bw`;
      assert.ok(existsSync(bwPath), `${bwPath} written`);
      // The bedGraph, expanded to bins, as text.
      const text = new Map<string, string[]>(EXAMPLE_CHROMOSOMES.map((c) => [c.name, new Array<string>(Math.ceil(c.length / BIN))]));
      for (const line of readFileSync(`${out}.${label}.bedgraph`, 'utf8').trimEnd().split('\n').slice(1)) {
        const [chrom, s, e, value] = line.split('\t') as [string, string, string, string];
        for (let b = Number(s) / BIN; b < Math.ceil(Number(e) / BIN); b++) text.get(chrom)![b] = value;
      }
      const read = pyRead(bwPath);
      assert.deepEqual(read.chroms, fai, `${label}: chromosomes of the FASTA`);
      let bins = 0;
      for (const { name, length } of EXAMPLE_CHROMOSOMES) {
        const items = read.intervals[name]!.map(([start, end, value]) => ({ start, end, value }));
        const got = toBins(length, items, `${label} ${name}`);
        const want = text.get(name)!;
        for (let b = 0; b < got.length; b++) {
          // The bigWig holds the float32 probability; the bedGraph prints it with 6 decimals.
          if (formatProbability(got[b]!) !== want[b]) assert.fail(`${label} ${name} bin ${b}: bigWig ${got[b]}, bedGraph ${want[b]}`);
          assert.ok(Math.abs(got[b]! - Number(want[b])) <= 5e-7 + 1e-12, `${label} ${name} bin ${b}`);
          bins++;
        }
        assert.equal(read.uniform[name], true, `${label} ${name}: per-base values`);
      }
      assert.equal(bins, EXAMPLE_CHROMOSOMES.reduce((s, c) => s + Math.ceil(c.length / BIN), 0));
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');
  }
});

test('predict: when a bigWig cannot be created, no output of the run is left', async () => {
  const dir = join(tmp.dir, 'predict-fails');
  mkdirSync(dir);
  const fasta = join(dir, 'example.fa');
  await writeExampleGenome(fasta, EXAMPLE_CHROMOSOMES.slice(-1));
  writeFileSync(join(dir, 'blocker'), '');
  const out = join(dir, 'out');
  const r = runCli(['predict', '--model', 'example-cpg', '--fasta', fasta, '--out', `${out}.bed`, '--bedgraph', `${out}.bedgraph`, '--bigwig-out', join(dir, 'blocker', 'sub', 'out'), '--workers', '1', '--device', 'cpu']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /blocker/);
  assert.deepEqual(readdirSync(dir).sort(), ['blocker', 'example.fa', 'example.fa.fai'], 'BED, bedGraphs and temporary files removed');
});

test('an assembly of short scaffolds: zoom records of consecutive scaffolds share blocks, small blocks are stored, both readers agree', async () => {
  // Two chromosomes and 300 scaffolds of 100–2,000 bp, added in FASTA order (not name order,
  // so chromosome ids do not always ascend from one scaffold to the next).
  const rand = mulberry32(4242);
  const scaffolds: Chromosome[] = Array.from({ length: 300 }, (_, i) => ({
    name: `scaffold_${String((i * 7919) % 300).padStart(4, '0')}`,
    length: Math.round(100 * 20 ** rand()),
  }));
  const chroms: Chromosome[] = [{ name: 'chr2', length: 61_234 }, ...scaffolds.slice(0, 150), { name: 'chr1', length: 40_000 }, ...scaffolds.slice(150)];
  const values = fixtureValues(chroms, 31);
  // Scaffold values: noise, so each has a fixedStep section of a few dozen bytes.
  for (const s of scaffolds) values.get(s.name)!.forEach((_, b, a) => (a[b] = rand()));
  const path = join(tmp.dir, 'scaffolds.bw');
  const w = await writeTrack(path, chroms, values, { itemsPerSlot: 64 });
  const queries: StatsQuery[] = [
    { chrom: 'chr2', start: 0, end: 61_234, nBins: 1, type: 'mean' },
    { chrom: scaffolds[7]!.name, start: 0, end: scaffolds[7]!.length, nBins: 1, type: 'max' },
  ];
  checkWithPyBigWig(path, chroms, values, w.zoomLevels, queries);
  await checkWithBbi(path, chroms, values, w.zoomLevels);

  // Each zoom level's R-tree counts its blocks: far fewer than the 302 sequences it covers.
  const bytes = readFileSync(path);
  for (let level = 0; level < w.zoomLevels.length; level++) {
    const indexOffset = Number(bytes.readBigUInt64LE(64 + level * 24 + 16));
    assert.equal(bytes.readUInt32LE(indexOffset), 0x2468ace0, 'R-tree magic');
    const blocks = Number(bytes.readBigUInt64LE(indexOffset + 8));
    assert.ok(blocks < 302 / 4, `zoom level ${level}: ${blocks} blocks for 302 sequences`);
  }
});

test('frameStored: a zlib stream zlib inflates back to the same bytes (checksum included)', () => {
  const rand = mulberry32(7);
  for (const n of [0, 1, 37, 256, 5552, 5553, 65_535]) {
    const raw = Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    // Framed in place, in the middle of a larger buffer whose other bytes stay as they are.
    const target = Buffer.alloc(n + STORED_OVERHEAD_BYTES + 10, 0xab);
    raw.copy(target, 5 + STORED_HEADER_BYTES);
    const end = frameStored(target, 5, n);
    assert.equal(end, 5 + n + 11);
    assert.deepEqual([...target.subarray(0, 5), ...target.subarray(end)], new Array(10).fill(0xab), 'only the stream is written');
    const stream = target.subarray(5, end);
    assert.deepEqual(inflateSync(stream), raw, `${n} bytes`);
    // A wrong checksum is refused: the Adler-32 is really checked.
    const broken = Buffer.from(stream);
    broken[broken.length - 1]! ^= 1;
    assert.throws(() => inflateSync(broken), /incorrect data check/, `${n} bytes, corrupted checksum`);
  }
});
