/**
 * npm run bench:centromere — `predict --model centromere` on a full-size simulated rice genome
 * (12 chromosomes, IRGSP lengths, 373 Mb): end-to-end wall time (process start to exit, model
 * load and checks included), peak RSS, and time per stage; then the k-mer feature stage next
 * to `jellyfish count -C -m 64` on the same chromosome. Targets (issue 3, 2 cores): ≤ 120 s,
 * ≤ 3 GB. Env: BENCH_SEED (simulated genome, default 7), BENCH_WORKERS (default 2).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KmerWorkspace } from '../src/features/kmerCounts.js';
import { binnedKmerFeature } from '../src/features/kmerFeatures.js';
import { IndexedFastaSource } from '../src/readers/fastaSource.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SEED = process.env.BENCH_SEED ?? '7';
const WORKERS = process.env.BENCH_WORKERS ?? '2';
const dir = join(ROOT, '.cache/bench', `rice-seed${SEED}`);
const fasta = join(dir, 'genome.fa');

if (!existsSync(`${fasta}.fai`)) {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [CLI, 'simulate', '--out', dir, '--seed', SEED], { stdio: 'inherit' });
}

interface Run { seconds: number; bases: number; maxRssMb: number; inferMs: number; featureMs: number; batches: number; processCpuS: number }
const started = performance.now();
const child = spawnSync(process.execPath, [join(ROOT, 'dist/bench/pipelineRun.js'), fasta, WORKERS, join(dir, 'centromere.bed'), 'centromere'], { encoding: 'utf8' });
const wall = (performance.now() - started) / 1000;
if (child.status !== 0) throw new Error(`pipeline run failed: ${child.stderr}`);
const run = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Run;
const workers = Number(WORKERS);
console.log(`bench:centromere — simulated rice genome seed ${SEED} (${(run.bases / 1e6).toFixed(1)} Mb), ${workers} workers`);
console.log(`  end to end (process start → exit)   ${wall.toFixed(1)} s   (target ≤ 120 s)`);
console.log(`  pipeline (after model load/warm-up) ${run.seconds.toFixed(1)} s, ${(run.bases / 1e6 / run.seconds).toFixed(1)} Mb/s`);
console.log(`  peak RSS                            ${(run.maxRssMb / 1024).toFixed(2)} GB   (target ≤ 3 GB)`);
console.log(`  stage: k-mer features               ${(run.featureMs / 1000).toFixed(1)} worker-s (${(run.featureMs / 1000 / workers).toFixed(1)} s over ${workers} workers)`);
console.log(`  stage: transformer inference        ${(run.inferMs / 1000).toFixed(1)} worker-s in ${run.batches} batches`);
console.log(`  process CPU                         ${run.processCpuS.toFixed(1)} s`);
const truth = readFileSync(join(dir, 'centromeres.bed'), 'utf8').trim().split('\n').length;
const calls = readFileSync(join(dir, 'centromere.bed'), 'utf8').trim().split('\n').filter(Boolean).length;
console.log(`  calls: ${calls} regions for ${truth} chromosomes`);

// Feature stage vs jellyfish on chr1 (the largest chromosome), one thread each.
const src = await IndexedFastaSource.open({ fasta });
const chr1 = src.chromosomes[0]!;
const bases = await src.read(chr1.name, 0, chr1.length);
await src.close();
const chr1Fasta = join(dir, 'chr1.fa');
if (!existsSync(chr1Fasta)) writeFileSync(chr1Fasta, execFileSync('samtools', ['faidx', fasta, chr1.name], { maxBuffer: 1 << 30 }));
let t = performance.now();
binnedKmerFeature(bases, 64, 1000, new KmerWorkspace());
const ours = (performance.now() - t) / 1000;
t = performance.now();
execFileSync('jellyfish', ['count', '-C', '-m', '64', '-s', '100M', '-t', '1', '-o', join(dir, 'chr1.jf'), chr1Fasta]);
const jelly = (performance.now() - t) / 1000;
console.log(`  k=64 on ${chr1.name} (${(chr1.length / 1e6).toFixed(1)} Mb), 1 thread: ours ${ours.toFixed(1)} s (counts + per-base depth + bins), ` +
  `jellyfish count -C -m 64 ${jelly.toFixed(1)} s → ratio ours/jellyfish ${(ours / jelly).toFixed(2)}`);
