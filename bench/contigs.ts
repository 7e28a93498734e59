/**
 * npm run bench:contigs — does cost follow bases, not how the assembly is cut? The same bases
 * as 2 chromosomes and as 2 chromosomes + N short scaffolds (env BENCH_SCAFFOLDS, default
 * 20,000, log-uniform 100–2,000 bp, cut from the chromosomes' tails), through each model
 * (env BENCH_MODELS, default example-cpg,centromere), each run a fresh process writing BED,
 * bedGraph and bigWig (bench/pipelineRun.ts, BENCH_TRACKS=1) after warm-up. Runs of the two
 * genomes alternate; prints medians of BENCH_RUNS (default 3) and the per-Mb ratio.
 * The base genome is `simulate --seed 7 --scale 0.2 --chromosomes 2` (15.84 Mb); both are
 * cached in .cache/bench/contigs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeScaffoldedGenome } from '../src/simulate/scaffoldedGenome.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CACHE = join(ROOT, '.cache/bench/contigs');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SCAFFOLDS = Number(process.env.BENCH_SCAFFOLDS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MODELS = (process.env.BENCH_MODELS ?? 'example-cpg,centromere').split(',');
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Run {
  seconds: number;
  bases: number;
  maxRssMb: number;
  inferMs: number;
  featureMs: number;
}

async function genomes(): Promise<{ whole: string; scaffolded: string }> {
  mkdirSync(CACHE, { recursive: true });
  const whole = join(CACHE, 'rice/genome.fa');
  if (!existsSync(`${whole}.fai`)) execFileSync(process.execPath, [CLI, 'simulate', '--out', join(CACHE, 'rice'), '--seed', '7', '--scale', '0.2', '--chromosomes', '2'], { stdio: 'inherit' });
  const scaffolded = join(CACHE, `scaffolded-${SCAFFOLDS}.fa`);
  if (!existsSync(`${scaffolded}.fai`)) await writeScaffoldedGenome({ fasta: whole }, scaffolded, { scaffolds: SCAFFOLDS, minBp: 100, maxBp: 2000, seed: 13 });
  return { whole, scaffolded };
}

function run(fasta: string, model: string): Run {
  const out = execFileSync(process.execPath, [join(ROOT, 'dist/bench/pipelineRun.js'), fasta, String(WORKERS), join(CACHE, 'out.bed'), model], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_TRACKS: '1' },
  });
  return JSON.parse(out.trim()) as Run;
}

const { whole, scaffolded } = await genomes();
console.log(`bench:contigs — ${WORKERS} workers, medians of ${RUNS}; the same 15.84 Mb as 2 chromosomes, and as 2 chromosomes + ${SCAFFOLDS.toLocaleString('en')} scaffolds (100–2,000 bp)`);
console.log('| model | genome | s (median) | s/Mb | ratio per Mb | inference worker-s | feature worker-s | peak RSS MB |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const model of MODELS) {
  const runs = { whole: [] as Run[], scaffolded: [] as Run[] };
  for (let i = 0; i < RUNS; i++) {
    runs.whole.push(run(whole, model));
    runs.scaffolded.push(run(scaffolded, model));
  }
  const perMb = (rs: Run[]) => median(rs.map((r) => r.seconds / (r.bases / 1e6)));
  const base = perMb(runs.whole);
  for (const [name, rs] of Object.entries(runs)) {
    const row = [
      model,
      name === 'whole' ? '2 chromosomes' : `2 chromosomes + ${SCAFFOLDS} scaffolds`,
      median(rs.map((r) => r.seconds)).toFixed(2),
      perMb(rs).toFixed(3),
      (perMb(rs) / base).toFixed(2),
      (median(rs.map((r) => r.inferMs)) / 1000).toFixed(1),
      (median(rs.map((r) => r.featureMs)) / 1000).toFixed(1),
      median(rs.map((r) => r.maxRssMb)).toFixed(0),
    ];
    console.log(`| ${row.join(' | ')} |`);
  }
}
