import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_KS, FEATURE_NAMES, binnedKmerFeature } from '../src/features/kmerFeatures.js';
import { python, runCli, sh, tempDir } from './helpers.js';
import { repeatRichChromosome } from './repeatFixtures.js';

// example-kmer: p = sigmoid(10 · (Σ over 5 bins (zero-padded) and the four k of highlighted% / 100 / 20 − 0.5)), 1-kb bins.
const CHROMOSOMES = { chrA: repeatRichChromosome(21, 700_500), chrB: repeatRichChromosome(22, 90_250) };
let tmp: ReturnType<typeof tempDir>;
let fasta: string;

function expectedProbabilities(seq: string): Float64Array {
  const bases = Buffer.from(seq, 'latin1');
  const percents = FEATURE_KS.map((k) => binnedKmerFeature(bases, k, 1000).highlightedPercent);
  const nBins = percents[0]!.length;
  const perBin = Array.from({ length: nBins }, (_, b) => percents.reduce((s, p) => s + p[b]! / 100, 0));
  const out = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) {
    let x = 0;
    for (let j = b - 2; j <= b + 2; j++) if (j >= 0 && j < nBins) x += perBin[j]! / 20;
    out[b] = 1 / (1 + Math.exp(-10 * (x - 0.5)));
  }
  return out;
}

function bedGraphValues(path: string, chrom: string, nBins: number): Float64Array {
  const values = new Float64Array(nBins).fill(NaN);
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [c, s, e, v] = line.split('\t');
    if (c !== chrom) continue;
    for (let b = Number(s) / 1000; b < Math.ceil(Number(e) / 1000); b++) values[b] = Number(v);
  }
  return values;
}

before(() => {
  tmp = tempDir();
  fasta = join(tmp.dir, 'genome.fa');
  writeFileSync(fasta, Object.entries(CHROMOSOMES).map(([name, seq]) => `>${name}\n${seq.match(/.{1,60}/g)!.join('\n')}\n`).join(''));
  sh('samtools', ['faidx', fasta]);
});
after(() => tmp.cleanup());

test('a model on k-mer features computed from the FASTA matches an independent computation', () => {
  const out = join(tmp.dir, 'computed');
  const r = runCli(['predict', '--model', 'example-kmer', '--fasta', fasta, '--out', `${out}.bed`, '--bedgraph', `${out}.bedgraph`, '--workers', '2']);
  assert.equal(r.status, 0, r.stderr);
  let called = 0;
  for (const [name, seq] of Object.entries(CHROMOSOMES)) {
    const want = expectedProbabilities(seq);
    const got = bedGraphValues(`${out}.bedgraph`, name, want.length);
    for (let b = 0; b < want.length; b++) assert.ok(Math.abs(got[b]! - want[b]!) <= 2e-6, `${name} bin ${b}: ${got[b]} vs ${want[b]}`);
    called += want.filter((p) => p >= 0.5).length;
  }
  assert.ok(called > 20, `the fixture's repeats are called (${called} bins)`);
  assert.ok(readFileSync(`${out}.bed`, 'utf8').includes('\trepeat_dense\t'));
});

test('the same model run from precomputed feature bigWigs gives the same output', () => {
  const features = join(tmp.dir, 'features');
  const f = runCli(['features', '--fasta', fasta, '--out', features, '--bin-bp', '1000']);
  assert.equal(f.status, 0, f.stderr);
  // bedGraph → bigWig with Debian's pyBigWig (our own bigWig writer comes with the histone work).
  const sizes = Object.entries(CHROMOSOMES).map(([n, s]) => `${n}:${s.length}`);
  for (const name of FEATURE_NAMES) {
    python(
      `import sys, pyBigWig
bw = pyBigWig.open(sys.argv[2], 'w')
bw.addHeader([(c.split(':')[0], int(c.split(':')[1])) for c in sys.argv[3:]])
for line in open(sys.argv[1]):
    if line.startswith('track'): continue
    c, s, e, v = line.split()
    bw.addEntries([c], [int(s)], ends=[int(e)], values=[float(v)])
bw.close()`,
      [join(features, `${name}.bedgraph`), join(features, `${name}.bw`), ...sizes],
    );
  }
  const out = join(tmp.dir, 'frombw');
  const tracks = FEATURE_NAMES.flatMap((n) => ['--track', `${n}=${join(features, `${n}.bw`)}`]);
  const r = runCli(['predict', '--model', 'example-kmer', '--fasta', fasta, '--out', `${out}.bed`, '--bedgraph', `${out}.bedgraph`, ...tracks]);
  assert.equal(r.status, 0, r.stderr);
  const computed = join(tmp.dir, 'computed');
  assert.equal(readFileSync(`${out}.bed`, 'utf8'), readFileSync(`${computed}.bed`, 'utf8'));
  assert.equal(readFileSync(`${out}.bedgraph`, 'utf8'), readFileSync(`${computed}.bedgraph`, 'utf8'));
});
