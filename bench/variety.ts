/**
 * npm run bench:variety — varieties from a reference + VCF (issue 14), in one run:
 *  1. `annotate` (histone) of BENCH_VARIETIES varieties given as samples of one multi-sample
 *     VCF against the same varieties as consensus FASTAs written beforehand (bcftools
 *     consensus), alternating BENCH_RUNS times; the ratio FASTA time / VCF time (target ≥ 0.9)
 *     and each run's peak RSS (GNU time, %M);
 *  2. the VCF pass at panel width: a synthetic 3,000-sample GT-only VCF read for one group of
 *     8 samples (annotate's default --vcf-group) and of 64, records/s, extrapolated to 29 M
 *     SNPs × 3,000 samples;
 *  3. the coordinate projection of one variety's per-bin values on a 43.3-Mb chromosome
 *     (rice chr1) with 2.4 M SNPs + 0.2 M indels, extrapolated to 3,000 genomes of 373 Mb;
 *  4. `effects` throughput (variants/s) on ~1 variant per 3 kb of the base genome.
 * Env: BENCH_VARIETIES (24), BENCH_SCALE (0.005), BENCH_CHROMOSOMES (6), BENCH_RUNS (2),
 * BENCH_SEED (7), BENCH_PANEL_RECORDS (3000 records for the 3,000-sample pass).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeVariantCalls } from '../src/simulate/variantCalls.js';
import { VcfVarietySource } from '../src/readers/vcfVarietySource.js';
import { ChromosomeEdits } from '../src/readers/varietyEdits.js';
import { projectToReference } from '../src/stitching/projectToReference.js';
import { Random } from '../src/simulate/random.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const VARIETIES = Number(env('BENCH_VARIETIES', '24'));
const SCALE = env('BENCH_SCALE', '0.005');
const CHROMOSOMES = env('BENCH_CHROMOSOMES', '6');
const RUNS = Number(env('BENCH_RUNS', '2'));
const SEED = env('BENCH_SEED', '7');
const PANEL_RECORDS = Number(env('BENCH_PANEL_RECORDS', '3000'));
const PANEL_SAMPLES = 3000;
const PANEL_SNPS = 29e6;
const GROUP = 8;
const RICE_BP = 373_245_519;
const CHR1_BP = 43_270_923;

const sh = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
const dir = join(ROOT, '.cache/bench', `variety-${VARIETIES}-seed${SEED}-x${SCALE}-c${CHROMOSOMES}`);
const reference = join(dir, 'base', 'genome.fa');
const vcf = join(dir, 'panel.vcf.gz');
const samples = Array.from({ length: VARIETIES }, (_, i) => `V${String(i + 1).padStart(2, '0')}`);

// Inputs, made once: the base genome, one multi-sample VCF, and every variety's consensus FASTA.
if (!existsSync(join(dir, 'fasta.tsv'))) {
  mkdirSync(dir, { recursive: true });
  sh(process.execPath, [CLI, 'simulate', '--out', join(dir, 'base'), '--seed', SEED, '--scale', SCALE, '--chromosomes', CHROMOSOMES]);
  // ~1 site per 250 bp (the 3K panel: 29 M SNPs + 2.4 M indels on 373 Mb ≈ 1 per 12 bp across all samples).
  await writeVariantCalls({ fasta: reference }, join(dir, 'panel.vcf'), { seed: Number(SEED), samples, spacingBp: 250 });
  sh('bgzip', ['-f', join(dir, 'panel.vcf')]);
  sh('tabix', ['-f', '-p', 'vcf', vcf]);
  const forBcftools = join(dir, 'panel.nosym.vcf.gz');
  sh('bcftools', ['view', '-e', 'ALT~"<.*>" || ALT~"\\["', '-Oz', '-o', forBcftools, vcf]);
  sh('tabix', ['-f', '-p', 'vcf', forBcftools]);
  mkdirSync(join(dir, 'consensus'), { recursive: true });
  for (const s of samples) {
    const fa = join(dir, 'consensus', `${s}.fa`);
    writeFileSync(fa, sh('bcftools', ['consensus', '-s', s, '-H', '1', '-f', reference, forBcftools]));
    sh('samtools', ['faidx', fa]);
  }
  writeFileSync(join(dir, 'vcf.tsv'), ['variety\tvcf\tsample', ...samples.map((s) => `${s}\tpanel.vcf.gz\t${s}`)].join('\n') + '\n');
  writeFileSync(join(dir, 'fasta.tsv'), ['variety\tfasta', ...samples.map((s) => `${s}\tconsensus/${s}.fa`)].join('\n') + '\n');
}
const genomeBp = readFileSync(`${reference}.fai`, 'utf8').trim().split('\n').reduce((s, l) => s + Number(l.split('\t')[1]), 0);

/** One annotate run through GNU time: seconds and peak RSS (MB). */
function annotate(kind: 'fasta' | 'vcf'): { seconds: number; rssMb: number } {
  const out = join(dir, `out-${kind}`);
  rmSync(out, { recursive: true, force: true });
  const args = [CLI, 'annotate', '--manifest', join(dir, `${kind}.tsv`), '--out', out, '--models', 'histone', '--workers', '2', '--concurrency', '2', '--no-summary', ...(kind === 'vcf' ? ['--reference', reference] : [])];
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`annotate ${kind} failed: ${r.stderr}`);
  const kb = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1]);
  return { seconds, rssMb: kb / 1024 };
}

console.log(`bench:variety — ${VARIETIES} varieties of a ${(genomeBp / 1e6).toFixed(2)}-Mb simulated rice genome (scale ${SCALE}, ${CHROMOSOMES} chromosomes), histone model, 2 workers, concurrency 2`);
const fasta: { seconds: number; rssMb: number }[] = [];
const fromVcf: { seconds: number; rssMb: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  // Alternating, so a machine slowing down or speeding up during the bench hits both sides.
  fasta.push(annotate('fasta'));
  fromVcf.push(annotate('vcf'));
  console.log(`  run ${run + 1}: FASTA ${fasta[run]!.seconds.toFixed(1)} s (peak RSS ${fasta[run]!.rssMb.toFixed(0)} MB), VCF ${fromVcf[run]!.seconds.toFixed(1)} s (peak RSS ${fromVcf[run]!.rssMb.toFixed(0)} MB)`);
}
const sum = (xs: { seconds: number }[]) => xs.reduce((s, x) => s + x.seconds, 0);
for (const s of samples.slice(0, 3)) {
  const same = readFileSync(join(dir, 'out-fasta', s, 'histone.bed'), 'utf8') === readFileSync(join(dir, 'out-vcf', s, 'histone.bed'), 'utf8');
  console.log(`  ${s}: BED from the VCF ${same ? 'equals' : 'differs from'} the consensus FASTA's (reference vs own coordinates${same ? '' : ': expected where indels move regions'})`);
}
const ratio = sum(fasta) / sum(fromVcf);
console.log(`annotate ${VARIETIES} varieties: consensus FASTAs ${sum(fasta).toFixed(1)} s, VCF ${sum(fromVcf).toFixed(1)} s over ${RUNS} run(s) each; ratio FASTA/VCF ${ratio.toFixed(3)} (target ≥ 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'})`);
console.log(`peak RSS: FASTA ${Math.max(...fasta.map((f) => f.rssMb)).toFixed(0)} MB, VCF ${Math.max(...fromVcf.map((f) => f.rssMb)).toFixed(0)} MB`);

// 2. The VCF pass at panel width: 3,000 samples per record.
const wide = join(dir, `wide-${PANEL_RECORDS}.vcf.gz`);
if (!existsSync(`${wide}.tbi`)) {
  const random = new Random(3);
  const chr1 = readFileSync(`${reference}.fai`, 'utf8').split('\n')[0]!.split('\t');
  const seq = sh('samtools', ['faidx', reference, `${chr1[0]}:1-${chr1[1]}`]).split('\n').slice(1).join('');
  const header = ['##fileformat=VCFv4.2', `##contig=<ID=${chr1[0]},length=${chr1[1]}>`, '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">', ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: PANEL_SAMPLES }, (_, i) => `S${i}`)].join('\t')];
  const step = Math.floor(Number(chr1[1]) / (PANEL_RECORDS + 1));
  const lines: string[] = [];
  for (let r = 1; r <= PANEL_RECORDS; r++) {
    const pos0 = r * step;
    const ref = seq[pos0]!.toUpperCase();
    if (!'ACGT'.includes(ref)) continue;
    const alt = 'ACGT'.replace(ref, '')[r % 3]!;
    const freq = random.uniform(0.01, 0.5);
    const gts = Array.from({ length: PANEL_SAMPLES }, () => (random.next() < freq ? '1/1' : '0/0')).join('\t');
    lines.push(`${chr1[0]}\t${pos0 + 1}\t.\t${ref}\t${alt}\t.\tPASS\t.\tGT\t${gts}`);
  }
  writeFileSync(wide.replace(/\.gz$/, ''), `${[...header, ...lines].join('\n')}\n`);
  sh('bgzip', ['-f', wide.replace(/\.gz$/, '')]);
  sh('tabix', ['-f', '-p', 'vcf', wide]);
}
for (const size of [GROUP, 64]) {
  const group = Array.from({ length: size }, (_, i) => ({ vcf: wide, sample: `S${i * 37}` }));
  const t0 = performance.now();
  const sources = await VcfVarietySource.openGroup({ fasta: reference }, wide, group);
  const passSeconds = (performance.now() - t0) / 1000;
  const records = sources[0]!.counts.records;
  await Promise.all(sources.map((s) => s.close()));
  const rate = records / passSeconds;
  const panelPasses = Math.ceil(PANEL_SAMPLES / size);
  const panelHours = ((PANEL_SNPS / rate) * panelPasses) / 3600;
  console.log(`VCF pass, ${PANEL_SAMPLES}-sample records (GT only), group of ${size}: ${records} records in ${passSeconds.toFixed(2)} s = ${rate.toFixed(0)} records/s; 29 M SNPs × ${PANEL_SAMPLES} samples = ${panelPasses} passes ≈ ${panelHours.toFixed(0)} core-hours of VCF reading (${((PANEL_SNPS / rate) / 60).toFixed(0)} min per pass)`);
}

// 3. The projection of one variety's per-bin values back to reference coordinates.
{
  const random = new Random(5);
  const n = 2_600_000;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const offsets = new Int32Array(n + 1);
  const alt: number[] = [];
  let pos = 0;
  for (let i = 0; i < n; i++) {
    pos += 1 + Math.floor(random.exponential(CHR1_BP / n - 2));
    const indel = random.chance(0.08);
    const len = indel ? random.int(1, 20) : 0;
    const insertion = indel && random.chance(0.5);
    starts[i] = pos;
    ends[i] = pos + 1 + (indel && !insertion ? len : 0);
    const altLen = 1 + (insertion ? len : 0);
    for (let k = 0; k < altLen; k++) alt.push(65);
    offsets[i + 1] = alt.length;
    pos = ends[i]!;
    if (pos > CHR1_BP - 100) throw new Error('too many edits for chr1');
  }
  const tEdits = performance.now();
  const edits = new ChromosomeEdits({ name: 'chr1', length: CHR1_BP }, starts, ends, offsets, Uint8Array.from(alt));
  const editsMs = performance.now() - tEdits;
  const bins = Math.ceil(edits.varietyLength / 100);
  const probs = [0, 1, 2].map(() => Float32Array.from({ length: bins }, () => random.next()));
  const tProject = performance.now();
  projectToReference({ chrom: { name: 'chr1', length: edits.varietyLength }, binBp: 100, labels: ['a', 'b', 'c'], probs }, edits);
  const projectMs = performance.now() - tProject;
  const perGenomeS = ((editsMs + projectMs) / 1000) * (RICE_BP / CHR1_BP);
  console.log(`projection, rice chr1 (43.3 Mb, ${n / 1e6} M edits of which 8% indels, 3 labels at 100 bp): map ${editsMs.toFixed(0)} ms + values ${projectMs.toFixed(0)} ms; one 373-Mb genome ≈ ${perGenomeS.toFixed(1)} s, ${PANEL_SAMPLES} samples ≈ ${((perGenomeS * PANEL_SAMPLES) / 3600).toFixed(1)} core-hours; edits held ≈ ${((n * 20 + alt.length) / 1e6).toFixed(0)} MB for chr1 of one sample`);
}

// 4. effects throughput.
{
  const calls = join(dir, 'effects-input.vcf');
  await writeVariantCalls({ fasta: reference }, calls, { seed: 2, samples: ['S1'], spacingBp: 3000 });
  sh('bgzip', ['-f', calls]);
  sh('tabix', ['-f', '-p', 'vcf', `${calls}.gz`]);
  const r = spawnSync(process.execPath, [CLI, 'effects', '--model', 'histone', '--fasta', reference, '--vcf', `${calls}.gz`, '--out', join(dir, 'effects.vcf.gz'), '--workers', '2'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const line = r.stderr.trim().split('\n').pop()!;
  console.log(`effects: ${line.replace(/^genomeinfer: /, '')}`);
}
