/**
 * npm run bench:centromere — `predict` with a centromere model on a full-size simulated rice
 * genome (12 chromosomes, IRGSP lengths, 373 Mb): end-to-end wall time (process start to exit,
 * model load and checks included), peak RSS and time per stage; then, in the same run, `trf`
 * over chr1 alone with quarTeT's settings (`trf chr1.fa 2 7 7 80 10 50 2000 -l 3 -d -h`), the
 * tandem-repeat finder TRF-based centromere callers start from, and the ratio of the two.
 * Targets (issue 11, 2 cores): peak RSS ≤ 2.5 GB; the whole genome ≤ 1.5 × trf over chr1.
 * Env: BENCH_SEED (simulated genome, default 7), BENCH_WORKERS (default 2),
 * BENCH_MODEL (default centromere, the newest version).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SEED = process.env.BENCH_SEED ?? '7';
const WORKERS = process.env.BENCH_WORKERS ?? '2';
const MODEL = process.env.BENCH_MODEL ?? 'centromere';
const dir = join(ROOT, '.cache/bench', `rice-seed${SEED}`);
const fasta = join(dir, 'genome.fa');

if (!existsSync(`${fasta}.fai`)) {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [CLI, 'simulate', '--out', dir, '--seed', SEED], { stdio: 'inherit' });
}

interface Run { seconds: number; bases: number; maxRssMb: number; inferMs: number; featureMs: number; batches: number; processCpuS: number }
const started = performance.now();
const child = spawnSync(process.execPath, [join(ROOT, 'dist/bench/pipelineRun.js'), fasta, WORKERS, join(dir, 'centromere.bed'), MODEL], { encoding: 'utf8' });
const wall = (performance.now() - started) / 1000;
if (child.status !== 0) throw new Error(`pipeline run failed: ${child.stderr}`);
const run = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Run;
const workers = Number(WORKERS);
console.log(`bench:centromere — ${MODEL}, simulated rice genome seed ${SEED} (${(run.bases / 1e6).toFixed(1)} Mb), ${workers} workers`);
console.log(`  end to end (process start → exit)   ${wall.toFixed(1)} s`);
console.log(`  pipeline (after model load/warm-up) ${run.seconds.toFixed(1)} s, ${(run.bases / 1e6 / run.seconds).toFixed(1)} Mb/s`);
console.log(`  peak RSS                            ${(run.maxRssMb / 1024).toFixed(2)} GB   (target ≤ 2.5 GB)`);
console.log(`  stage: features                     ${(run.featureMs / 1000).toFixed(1)} worker-s (${(run.featureMs / 1000 / workers).toFixed(1)} s over ${workers} workers)`);
console.log(`  stage: transformer inference        ${(run.inferMs / 1000).toFixed(1)} worker-s in ${run.batches} batches`);
console.log(`  process CPU                         ${run.processCpuS.toFixed(1)} s`);
const truth = readFileSync(join(dir, 'centromeres.bed'), 'utf8').trim().split('\n').length;
const calls = readFileSync(join(dir, 'centromere.bed'), 'utf8').trim().split('\n').filter(Boolean).length;
console.log(`  calls: ${calls} regions for ${truth} chromosomes`);

// trf over chr1 (the largest chromosome), quarTeT's settings, one thread (trf has no others).
const chr1 = readFileSync(`${fasta}.fai`, 'utf8').split('\t')[0]!;
const trfDir = join(dir, 'trf');
mkdirSync(trfDir, { recursive: true });
const chr1Fasta = join(trfDir, `${chr1}.fa`);
if (!existsSync(chr1Fasta)) writeFileSync(chr1Fasta, execFileSync('samtools', ['faidx', fasta, chr1], { maxBuffer: 1 << 30 }));
const t = performance.now();
// trf exits non-zero on success (its status is a count), so only a failure to start is an error.
const trf = spawnSync('trf', [chr1Fasta, '2', '7', '7', '80', '10', '50', '2000', '-l', '3', '-d', '-h'], { cwd: trfDir, stdio: 'ignore' });
if (trf.error) throw trf.error;
const trfSeconds = (performance.now() - t) / 1000;
rmSync(join(trfDir, `${chr1}.fa.2.7.7.80.10.50.2000.dat`), { force: true });
console.log(`  trf ${chr1} (quarTeT settings)           ${trfSeconds.toFixed(1)} s`);
console.log(`  ratio whole genome / trf ${chr1}        ${(wall / trfSeconds).toFixed(2)}   (target ≤ 1.5)`);
