/**
 * annotate over varieties given as samples of one VCF with one shared reference (issue 14):
 * each variety's outputs equal predict --vcf (reference coordinates), in the same run as a
 * FASTA variety; a manifest with vcf rows and no --reference is refused.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { python, runCli, tempDir } from './helpers.js';
import { simulateEpigenome, writeIndexedVcf } from './varietyFixtures.js';

let tmp: ReturnType<typeof tempDir>;
let epi: string;
let manifest: string;

before(async () => {
  tmp = tempDir('genomeinfer-vcf-annotate-');
  epi = simulateEpigenome(tmp.dir, 100000);
  await writeIndexedVcf(epi, join(tmp.dir, 'calls.vcf.gz'), { spacingBp: 300 });
  manifest = join(tmp.dir, 'manifest.tsv');
  // Relative paths resolve against the manifest's directory; the reference is named once.
  writeFileSync(manifest, ['variety\tvcf\tsample\thaplotype\tfasta', 'A\tcalls.vcf.gz\tS1\t\t', 'B\tcalls.vcf.gz\tS2\tA\t', 'C\tcalls.vcf.gz\tS4\t\t', 'REF\t\t\t\tepi/genome.fa', ''].join('\n'));
});
after(() => tmp.cleanup());

test('vcf + sample rows: each variety equals predict --vcf, in reference coordinates', () => {
  const out = join(tmp.dir, 'out');
  const r = runCli(['annotate', '--manifest', manifest, '--reference', epi, '--out', out, '--models', 'histone', '--workers', '1', '--no-summary']);
  assert.equal(r.status, 0, r.stderr);
  const fai = readFileSync(`${epi}.fai`, 'utf8').trim().split('\n').map((l) => ({ name: l.split('\t')[0], length: Number(l.split('\t')[1]) }));
  for (const [variety, sample, haplotype] of [['A', 'S1', '1'], ['B', 'S2', 'A'], ['C', 'S4', '1']] as const) {
    const bed = join(tmp.dir, `${variety}.bed`);
    const p = runCli(['predict', '--model', 'histone', '--workers', '1', '--fasta', epi, '--vcf', join(tmp.dir, 'calls.vcf.gz'), '--sample', sample, '--haplotype', haplotype, '--out', bed]);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(readFileSync(join(out, variety, 'histone.bed'), 'utf8'), readFileSync(bed, 'utf8'), variety);
    const marker = JSON.parse(readFileSync(join(out, variety, 'annotate.json'), 'utf8')) as { chromosomes: { name: string; length: number }[] };
    assert.deepEqual(marker.chromosomes, fai, 'outputs declared on the reference chromosomes');
  }
  const reference = join(tmp.dir, 'reference.bed');
  assert.equal(runCli(['predict', '--model', 'histone', '--workers', '1', '--fasta', epi, '--out', reference]).status, 0);
  assert.equal(readFileSync(join(out, 'REF', 'histone.bed'), 'utf8'), readFileSync(reference, 'utf8'));
});

test('vcf rows without --reference: one error naming the line', () => {
  const r = runCli(['annotate', '--manifest', manifest, '--out', join(tmp.dir, 'none'), '--models', 'histone']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /line 2: variety 'A' is given as a VCF sample; name the reference FASTA it was called against with --reference FILE/);
});

test('--delta: each VCF variety gets variety-minus-reference bigWigs in reference coordinates; the summary ranks the loci that differ most', () => {
  const out = join(tmp.dir, 'delta');
  const r = runCli(['annotate', '--manifest', manifest, '--reference', epi, '--out', out, '--models', 'histone', '--workers', '1', '--delta']);
  assert.equal(r.status, 0, r.stderr);
  const marker = JSON.parse(readFileSync(join(out, 'A', 'annotate.json'), 'utf8')) as { models: { deltaBigwig?: string[] }[] };
  assert.deepEqual(marker.models[0]!.deltaBigwig, ['histone.H3K4me3.delta.bw', 'histone.H3K27me3.delta.bw', 'histone.H3K9ac.delta.bw']);
  const refMarker = JSON.parse(readFileSync(join(out, 'REF', 'annotate.json'), 'utf8')) as { models: { deltaBigwig?: string[] }[] };
  assert.equal(refMarker.models[0]!.deltaBigwig, undefined, 'a FASTA variety has its own coordinates: no delta');
  // The reference's own tracks, from predict, to take the difference independently (pyBigWig).
  const refPrefix = join(tmp.dir, 'reference');
  assert.equal(runCli(['predict', '--model', 'histone', '--workers', '1', '--fasta', epi, '--out', `${refPrefix}.bed`, '--bigwig-out', refPrefix]).status, 0);
  const check = `
import sys, pyBigWig
delta, variety, reference = (pyBigWig.open(p) for p in sys.argv[1:4])
worst, nonzero = 0.0, 0
for chrom, length in reference.chroms().items():
    assert delta.chroms()[chrom] == length and variety.chroms()[chrom] == length
    for start in range(0, length, 100):
        d = delta.values(chrom, start, start + 1)[0]
        expected = variety.values(chrom, start, start + 1)[0] - reference.values(chrom, start, start + 1)[0]
        worst = max(worst, abs(d - expected))
        nonzero += abs(d) > 1e-3
print(worst, nonzero)
`;
  for (const label of ['H3K4me3', 'H3K9ac']) {
    const [worst, nonzero] = python(check, [join(out, 'A', `histone.${label}.delta.bw`), join(out, 'A', `histone.${label}.bw`), `${refPrefix}.${label}.bw`]).trim().split(' ').map(Number);
    assert.ok(worst! < 1e-6, `${label}: delta differs from variety - reference by ${worst}`);
    assert.ok(nonzero! > 0, `${label}: the variety differs from the reference somewhere`);
  }
  // summary/differing_loci.tsv: per mark, 1-kb loci by SD of the delta across the 3 VCF varieties.
  const rows = readFileSync(join(out, 'summary', 'differing_loci.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows[0], ['mark', 'rank', 'chrom', 'start', 'end', 'sd_delta', 'mean_delta', 'max_abs_delta', 'varieties']);
  const h3k4 = rows.filter((row) => row[0] === 'histone:H3K4me3');
  assert.equal(h3k4.length, 20);
  const sds = h3k4.map((row) => Number(row[5]));
  assert.deepEqual(sds, [...sds].sort((a, b) => b - a), 'ranked by SD');
  assert.ok(sds[0]! > 0 && h3k4.every((row) => row[8] === '3'));
  const [chrom, start, end] = [h3k4[0]![2]!, Number(h3k4[0]![3]), Number(h3k4[0]![4])];
  const sd = python(
    `import sys, pyBigWig, statistics\nvals = [pyBigWig.open(p).stats(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), type='mean', exact=True)[0] for p in sys.argv[4:]]\nprint(statistics.pstdev(vals))`,
    [chrom, String(start), String(end), ...['A', 'B', 'C'].map((v) => join(out, v, 'histone.H3K4me3.delta.bw'))],
  );
  assert.ok(Math.abs(Number(sd) - sds[0]!) < 1e-3, `top locus SD ${sds[0]} vs pyBigWig ${sd}`);
});
