import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributionPaths, topPositions, writeAttribution } from '../src/attribution/attributionOutputs.js';
import { parseRegion } from '../src/attribution/genomicRegion.js';
import { attributeRegion, maxAbsDelta, meanDelta, type IsmResult } from '../src/attribution/ismAttribution.js';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository, type LoadedModel } from '../src/models/repository.js';
import { openGenomeInput, type GenomeInput } from '../src/pipeline/genomeInput.js';
import { mulberry32 } from '../src/simulate/random.js';
import { exampleCpgReference } from './exampleModelReference.js';
import { MODELS, python, runCli, sh, tempDir } from './helpers.js';

// In-silico mutagenesis with example-cpg, whose output is derivable by hand: every delta equals
// an independent computation (the model's definition in plain TypeScript, no ONNX Runtime:
// test/exampleModelReference.ts) on the mutated sequence minus the same on the reference,
// summed over all bins, within 1e-5. The regions cross a segment boundary (bases in two
// segments' inputs), reach a chromosome's end (a contig shorter than a segment), and hold
// soft-masked bases, an IUPAC code and a run of N.

const TOLERANCE = 1e-5;
let tmp: ReturnType<typeof tempDir>;
let engine: InferenceEngine;
let model: LoadedModel;
let input: GenomeInput;
let fasta: string;
const sequences = new Map<string, string>();

/** A sequence with GC-rich, CpG- and motif-dense stretches (so every label responds), soft-masking, IUPAC and N. */
function makeSequence(length: number, seed: number): string {
  const rand = mulberry32(seed);
  const motifs = ['TATAAAAG', 'GGGCGGGG', 'CACGTGAC', 'CCGCGCGG', 'GCCACGTG'];
  const out: string[] = [];
  while (out.length < length) {
    const block = Math.floor(rand() * 3);
    for (let i = 0; i < 300 && out.length < length; i++) {
      if (block === 2 && rand() < 0.08) {
        out.push(...motifs[Math.floor(rand() * motifs.length)]!);
        continue;
      }
      const gc = block === 0 ? 0.4 : 0.7;
      const r = rand();
      out.push(r < gc / 2 ? 'C' : r < gc ? 'G' : r < gc + (1 - gc) / 2 ? 'A' : 'T');
    }
  }
  return out.slice(0, length).join('');
}

before(async () => {
  tmp = tempDir();
  let chr1 = makeSequence(230_000, 3);
  // Around the boundary of segments 0 and 1 (100,000): soft-masked bases, an R and a run of N.
  chr1 = chr1.slice(0, 99_960) + chr1.slice(99_960, 99_990).toLowerCase() + chr1.slice(99_990, 100_010) + 'R' + chr1.slice(100_011, 100_030) + 'NNN' + chr1.slice(100_033);
  const chr2 = makeSequence(2_050, 4);
  sequences.set('chr1', chr1).set('chr2', chr2);
  fasta = join(tmp.dir, 'genome.fa');
  const wrap = (s: string) => s.match(/.{1,60}/g)!.join('\n');
  writeFileSync(fasta, `>chr1\n${wrap(chr1)}\n>chr2 a contig shorter than one segment\n${wrap(chr2)}\n`);
  sh('samtools', ['faidx', fasta]);
  model = await new ModelRepository(MODELS).load('example-cpg@2');
  engine = await InferenceEngine.create({ workers: 2, device: 'cpu', probeModelPath: model.onnxPath });
  input = await openGenomeInput({ fasta }, model);
});

after(async () => {
  await input?.close();
  await engine?.close();
  tmp?.cleanup();
});

/** Δ of `label`'s probability summed over all bins, computed independently on a window around the base. */
function independentDelta(chrom: string, pos: number, alt: string, labelIndex: number): number {
  const seq = sequences.get(chrom)!;
  // Bin-aligned window: the example model's bins see at most 207 bp past their edges, so
  // bins near the window's ends are equally wrong in both passes and cancel out.
  const lo = Math.max(0, Math.floor((pos - 1_000) / 100) * 100);
  const hi = Math.min(seq.length, pos + 1_000);
  const ref = seq.slice(lo, hi);
  const mut = ref.slice(0, pos - lo) + alt + ref.slice(pos - lo + 1);
  const r = exampleCpgReference(ref)[labelIndex]!;
  const m = exampleCpgReference(mut)[labelIndex]!;
  let d = 0;
  for (let b = 0; b < r.length; b++) d += m[b]! - r[b]!;
  return d;
}

/** Largest |ISM − independent| over every base and letter of the result; checks the unmutated bases too. */
function maxError(result: IsmResult): { error: number; compared: number; skipped: number } {
  const labelIndex = model.manifest.labels.indexOf(result.label);
  let error = 0;
  let compared = 0;
  let skipped = 0;
  const seq = sequences.get(result.region.chrom)!;
  for (let i = 0; i < result.reference.length; i++) {
    const pos = result.region.start + i;
    const refBase = seq[pos]!.toUpperCase();
    assert.equal(result.reference[i], refBase);
    if (!'ACGT'.includes(refBase)) {
      assert.ok([0, 1, 2, 3].every((a) => Number.isNaN(result.deltas[i * 4 + a]!)), `${pos} (${refBase}) is not mutated`);
      skipped++;
      continue;
    }
    for (const [a, alt] of [...'ACGT'].entries()) {
      const got = result.deltas[i * 4 + a]!;
      if (alt === refBase) {
        assert.equal(got, 0);
        continue;
      }
      error = Math.max(error, Math.abs(got - independentDelta(result.region.chrom, pos, alt, labelIndex)));
      compared++;
    }
  }
  return { error, compared, skipped };
}

let boundary: IsmResult;

test('ISM deltas across a segment boundary (soft-masked bases, IUPAC, N) equal the independent computation within 1e-5', async () => {
  for (const label of ['motif_dense', 'cpg_island']) {
    const result = await attributeRegion(engine, model, input, { region: parseRegion('chr1:99,941-100,060'), label });
    assert.equal(result.segments, 2, 'the region lies in the inputs of segments 0 and 1');
    assert.deepEqual(result.affectedBins, { start: 0, end: 2_000 });
    const { error, compared, skipped } = maxError(result);
    assert.equal(skipped, 4, 'R and NNN are not mutated');
    assert.equal(compared, 3 * 116);
    // Every mutant runs once per segment holding its base.
    assert.equal(result.mutants, 2 * 3 * 116);
    console.log(`# ${label} chr1:99,941-100,060: max |error| ${error.toExponential(2)} over ${compared} mutants`);
    assert.ok(error <= TOLERANCE, `max |error| ${error}`);
    assert.ok(maxAbsDelta(result).some((v) => v > 0.01), 'the region matters to the label');
    if (label === 'motif_dense') boundary = result;
  }
});

test('ISM deltas at a contig end (a contig shorter than one segment) and a chromosome start equal the independent computation', async () => {
  for (const [text, label] of [['chr2:1,951-2,050', 'gc_rich'], ['chr1:1-80', 'cpg_island']] as const) {
    const result = await attributeRegion(engine, model, input, { region: parseRegion(text), label });
    assert.equal(result.segments, 1);
    const { error, compared } = maxError(result);
    console.log(`# ${label} ${text}: max |error| ${error.toExponential(2)} over ${compared} mutants`);
    assert.ok(error <= TOLERANCE, `${text}: max |error| ${error}`);
  }
});

test('outputs: per-base bigWigs read back by pyBigWig over the region only, TSV of top positions, logo SVG with one letter per base', async () => {
  const paths = attributionPaths(join(tmp.dir, 'out', 'boundary'));
  await writeAttribution(boundary, input.fasta.chromosomes, paths, 20);
  const read = JSON.parse(
    python(
      'import sys, json, pyBigWig\nout = {}\nfor p in sys.argv[1:]:\n    bw = pyBigWig.open(p)\n' +
        "    out[p] = {'chroms': bw.chroms(), 'values': bw.values('chr1', 99940, 100060), 'outside': bw.intervals('chr1', 0, 99940), 'chr2': bw.intervals('chr2'), 'covered': bw.header()['nBasesCovered']}\n" +
        'print(json.dumps(out))',
      [paths.maxAbs, paths.mean],
    ),
  ) as Record<string, { chroms: Record<string, number>; values: number[]; outside: unknown; chr2: unknown; covered: number }>;
  const expectMax = maxAbsDelta(boundary);
  const expectMean = meanDelta(boundary);
  for (const [path, expected] of [
    [paths.maxAbs, expectMax],
    [paths.mean, expectMean],
  ] as const) {
    const r = read[path]!;
    assert.deepEqual(r.chroms, { chr1: 230_000, chr2: 2_050 });
    assert.equal(r.covered, 120);
    assert.equal(r.outside, null, 'no data before the region');
    assert.equal(r.chr2, null, 'no data on other chromosomes');
    assert.deepEqual(r.values, Array.from(expected), `${path}: float32 values exact`);
  }
  // The mean and max of a base follow from its three deltas.
  const labelIndex = model.manifest.labels.indexOf('motif_dense');
  const i = 40;
  const pos = 99_940 + i;
  const alts = [...'ACGT'].filter((b) => b !== boundary.reference[i]);
  const independent = alts.map((alt) => independentDelta('chr1', pos, alt, labelIndex));
  assert.ok(Math.abs(expectMax[i]! - Math.max(...independent.map(Math.abs))) < TOLERANCE);
  assert.ok(Math.abs(expectMean[i]! - independent.reduce((a, b) => a + b, 0) / 3) < TOLERANCE);

  const rows = readFileSync(paths.tsv, 'utf8').trimEnd().split('\n');
  assert.match(rows[0]!, /^# genomeinfer attribute: model example-cpg\/2, label motif_dense, region chr1:99941-100060/);
  assert.equal(rows[1], 'chrom\tstart\tend\tref\tdelta_A\tdelta_C\tdelta_G\tdelta_T\tmax_abs_delta\tmean_delta\tstrongest_alt\timportance');
  assert.equal(rows.length, 2 + 20);
  const top = topPositions(boundary, 20);
  for (const [k, line] of rows.slice(2).entries()) {
    const f = line.split('\t');
    assert.equal(f[0], 'chr1');
    assert.equal(Number(f[1]), top[k]!.start);
    assert.equal(Number(f[2]), top[k]!.start + 1);
    assert.equal(f[3], sequences.get('chr1')![top[k]!.start]!.toUpperCase());
    assert.ok(Math.abs(Number(f[8]) - expectMax[top[k]!.start - 99_940]!) < 1e-6);
  }
  // Ranked by |importance|, importance = −(mean Δ): the logo's tallest letters first.
  const importances = rows.slice(2).map((l) => Number(l.split('\t')[11]));
  for (const [k, v] of importances.entries()) {
    assert.ok(Math.abs(v + expectMean[top[k]!.start - 99_940]!) < 1e-6, 'importance = -mean delta');
    assert.ok(v === -Number(rows[k + 2]!.split('\t')[9]), 'the importance column is minus the mean_delta column');
  }
  const magnitudes = importances.map(Math.abs);
  assert.deepEqual(magnitudes, [...magnitudes].sort((a, b) => b - a), 'largest |importance| first');
  // The 20 listed are the region's 20 of largest |importance| (by the independent mean over their mutants, too).
  const sorted = Array.from(expectMean, Math.abs).sort((a, b) => b - a);
  assert.ok(Math.abs(magnitudes[19]! - sorted[19]!) < 1e-6);

  // The SVG is well-formed XML with one letter per base, its height following -mean Δ.
  const svg = JSON.parse(
    python(
      'import sys, json, xml.etree.ElementTree as ET\nroot = ET.parse(sys.argv[1]).getroot()\n' +
        "ts = [t for t in root.iter('{http://www.w3.org/2000/svg}text') if t.get('class') == 'base']\n" +
        "print(json.dumps([[t.text, int(t.get('data-pos')), float(t.get('data-importance')), t.get('transform')] for t in ts]))",
      [paths.svg],
    ),
  ) as [string, number, number, string][];
  assert.equal(svg.length, 120);
  assert.equal(svg.map((t) => t[0]).join(''), boundary.reference);
  assert.deepEqual(svg.map((t) => t[1]), Array.from({ length: 120 }, (_, k) => 99_941 + k));
  const heights = svg.map((t) => Number(/scale\([^,]+,([-0-9.e]+)\)/.exec(t[3])![1]));
  const tallest = heights.reduce((m, h, k) => (Math.abs(h) > Math.abs(heights[m]!) ? k : m), 0);
  assert.ok(Math.abs(svg[tallest]![2] + expectMean[tallest]!) < 1e-5, 'the tallest letter is the base of largest |mean Δ|');
  for (const [k, h] of heights.entries()) assert.ok(Math.sign(h) === Math.sign(-expectMean[k]!) || h === 0, `letter ${k} above the line when its loss lowers the probability`);
});

test('attribute CLI: writes the four outputs; refuses a track model, an unknown label and a region off the chromosome', () => {
  const prefix = join(tmp.dir, 'cli', 'small');
  const ok = runCli(['attribute', '--model', 'example-cpg@2', '--fasta', fasta, '--region', 'chr2:1001-1010', '--label', 'cpg_island', '--top', '5', '--out', prefix, '--workers', '1']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /10 bases attributed \(30 mutants over 1 segment/);
  const tsv = readFileSync(`${prefix}.attribution.tsv`, 'utf8').trimEnd().split('\n');
  assert.equal(tsv.length, 2 + 5);
  for (const p of Object.values(attributionPaths(prefix))) assert.ok(readFileSync(p).length > 0, p);

  const fail = (args: string[], pattern: RegExp) => {
    const r = runCli(['attribute', '--fasta', fasta, '--out', join(tmp.dir, 'cli', 'bad'), '--workers', '1', ...args]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, pattern);
  };
  fail(['--model', 'example-kmer', '--region', 'chr1:1-10'], /reads per-bin tracks, not bases: in-silico mutagenesis needs a sequence model/);
  fail(['--model', 'example-cpg', '--region', 'chr1:1-10', '--label', 'H3K4me3'], /has no label 'H3K4me3'; its labels are gc_rich, cpg_island, motif_dense/);
  fail(['--model', 'example-cpg', '--region', 'chr2:2001-2100'], /ends past chr2's last base \(2050 bp\)/);
  fail(['--model', 'example-cpg', '--region', 'chrX:1-10'], /has no sequence named chrX/);
  fail(['--model', 'example-cpg', '--region', 'chr1:10-1'], /START must be ≥ 1 and END ≥ START/);
});
