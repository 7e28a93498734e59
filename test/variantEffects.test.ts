/**
 * genomeinfer effects (issue 14, Done-when 4): 1,000 variants scored by the histone model on
 * the simulated epigenome come back as a bgzipped, tabix-indexed VCF that bcftools reads
 * (view, region queries through our index, query -f '%INFO/…'); SNPs that destroy a planted
 * motif (motifs.bed) score far higher than SNPs placed at random away from motifs.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Random } from '../src/simulate/random.js';
import { runCli, sh, tempDir } from './helpers.js';
import { fastaSequences, simulateEpigenome } from './varietyFixtures.js';

const LABELS = ['H3K4me3', 'H3K27me3', 'H3K9ac'];
/** Mean max|Δ| of motif-destroying SNPs must exceed that of random SNPs by this factor. */
const MARGIN = 5;

let tmp: ReturnType<typeof tempDir>;
let epi: string;
let vcf: string;
let out: string;
const motifSites = new Set<string>();

before(() => {
  tmp = tempDir('genomeinfer-effects-');
  epi = simulateEpigenome(tmp.dir);
  const genome = fastaSequences(readFileSync(epi, 'utf8'));
  const motifs = readFileSync(join(tmp.dir, 'epi', 'motifs.bed'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const random = new Random(17);
  const other = (b: string) => 'ACGT'.replace(b.toUpperCase(), '')[random.int(0, 2)]!;
  const records: [string, number, string, string][] = [];
  // One SNP in the middle of every planted motif.
  for (const [chrom, start] of motifs) {
    const pos0 = Number(start) + 5;
    const ref = genome.get(chrom!)![pos0]!.toUpperCase();
    records.push([chrom!, pos0, ref, other(ref)]);
    motifSites.add(`${chrom}:${pos0 + 1}`);
  }
  // The rest of 1,000 at random, at least 200 bp from any motif.
  const names = [...genome.keys()];
  const nearMotif = (chrom: string, p: number) => motifs.some(([c, s, e]) => c === chrom && p > Number(s) - 200 && p < Number(e) + 200);
  const taken = new Set(records.map(([c, p]) => `${c}:${p}`));
  while (records.length < 1000) {
    const chrom = names[random.int(0, names.length - 1)]!;
    const pos0 = random.int(10, genome.get(chrom)!.length - 10);
    const ref = genome.get(chrom)![pos0]!.toUpperCase();
    if (!'ACGT'.includes(ref) || nearMotif(chrom, pos0) || taken.has(`${chrom}:${pos0}`)) continue;
    taken.add(`${chrom}:${pos0}`);
    records.push([chrom, pos0, ref, other(ref)]);
  }
  records.sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
  const header = ['##fileformat=VCFv4.2', ...names.map((n) => `##contig=<ID=${n},length=${genome.get(n)!.length}>`), '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO'];
  vcf = join(tmp.dir, 'snps.vcf');
  writeFileSync(vcf, `${[...header, ...records.map(([c, p, r, a]) => `${c}\t${p + 1}\t.\t${r}\t${a}\t.\tPASS\t.`)].join('\n')}\n`);
  sh('bgzip', ['-f', vcf]);
  sh('tabix', ['-p', 'vcf', `${vcf}.gz`]);
  vcf = `${vcf}.gz`;
  out = join(tmp.dir, 'effects.vcf.gz');
  const r = runCli(['effects', '--model', 'histone', '--fasta', epi, '--vcf', vcf, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /1000 variants scored in [\d.]+ s \([\d.]+ variants\/s\)/);
});
after(() => tmp.cleanup());

test('bcftools reads the output: every record, the declared INFO fields, region queries through our .tbi', () => {
  assert.equal(sh('bcftools', ['view', '-H', out]).trim().split('\n').length, 1000);
  const header = sh('bcftools', ['view', '-h', out]);
  for (const l of LABELS) assert.match(header, new RegExp(`##INFO=<ID=GI_${l}_MAXABS,Number=A,Type=Float`));
  const fields = LABELS.map((l) => `%INFO/GI_${l}_MAXABS\\t%INFO/GI_${l}_DELTA`).join('\\t');
  const rows = sh('bcftools', ['query', '-f', `%CHROM\\t%POS\\t${fields}\\n`, out]).trim().split('\n');
  assert.equal(rows.length, 1000);
  for (const row of rows) {
    const values = row.split('\t').slice(2).map(Number);
    assert.equal(values.length, 6);
    values.forEach((v, i) => assert.ok(Number.isFinite(v) && (i % 2 === 1 || v >= 0) && Math.abs(v) <= 1, row));
  }
  // Region queries use the index we wrote: the same records as filtering the whole file.
  for (const region of ['chr1:1-20000', 'chr1:40001-90000', 'chr2:100000-150000']) {
    const [chrom, span] = region.split(':');
    const [from, to] = span!.split('-').map(Number);
    const indexed = sh('bcftools', ['view', '-H', '-r', region, out]);
    const scanned = sh('bcftools', ['view', '-H', out]).split('\n').filter((l) => {
      const f = l.split('\t');
      return f[0] === chrom && Number(f[1]) >= from! && Number(f[1]) <= to!;
    });
    assert.equal(indexed.trim().split('\n').filter(Boolean).length, scanned.length, region);
    assert.ok(scanned.length > 0);
  }
  sh('tabix', ['-l', out]); // htslib's own reader accepts the index too
});

test(`SNPs that destroy a planted motif score over ${MARGIN}x higher than random SNPs`, (t) => {
  const fields = LABELS.map((l) => `%INFO/GI_${l}_MAXABS`).join('\\t');
  const motif: number[] = [];
  const randomSnps: number[] = [];
  for (const row of sh('bcftools', ['query', '-f', `%CHROM:%POS\\t${fields}\\n`, out]).trim().split('\n')) {
    const [site, ...values] = row.split('\t');
    const score = Math.max(...values.map(Number));
    (motifSites.has(site!) ? motif : randomSnps).push(score);
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(motif.length >= 40, `${motif.length} motif SNPs`);
  const [m, r] = [mean(motif), mean(randomSnps)];
  t.diagnostic(`mean max|Δ| over labels: ${motif.length} motif-destroying SNPs ${m.toFixed(4)}, ${randomSnps.length} random SNPs ${r.toFixed(4)} (${(m / r).toFixed(1)}x)`);
  assert.ok(m > MARGIN * r, `motif-destroying mean max|Δ| ${m.toFixed(4)} vs random ${r.toFixed(4)}`);
});
