/**
 * npm run bench:features — the eight k-mer features (chromosomeFeatures) on one chromosome of
 * the full-size simulated rice genome (default chr1, 43 Mb; .cache/bench/rice-seed<SEED>,
 * simulated on first use), next to the pre-filter implementation (bench/kmerFeaturesReference)
 * in the same run: median of 3 wall times each, their ratio, and a bit-for-bit comparison of
 * every bin of every feature. Peak RSS per implementation is measured in a child process each
 * (one worker's workspace). Env: BENCH_SEED (7), BENCH_CHROM (index, 0), BENCH_RUNS (3).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KmerWorkspace } from '../src/features/kmerCounts.js';
import { chromosomeFeatures } from '../src/features/kmerFeatures.js';
import { IndexedFastaSource } from '../src/readers/fastaSource.js';
import { ReferenceKmerWorkspace, referenceChromosomeFeatures } from './kmerFeaturesReference.js';
import { peakRssMb } from './peakRss.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SEED = process.env.BENCH_SEED ?? '7';
const CHROM = Number(process.env.BENCH_CHROM ?? '0');
const RUNS = Number(process.env.BENCH_RUNS ?? '3');
const dir = join(ROOT, '.cache/bench', `rice-seed${SEED}`);
const fasta = join(dir, 'genome.fa');

async function readChromosome(): Promise<{ name: string; bases: Uint8Array }> {
  const src = await IndexedFastaSource.open({ fasta });
  const chrom = src.chromosomes[CHROM]!;
  const bases = await src.read(chrom.name, 0, chrom.length);
  await src.close();
  return { name: chrom.name, bases };
}

type Impl = 'new' | 'reference';
function runImpl(impl: Impl, bases: Uint8Array): Float32Array[] {
  return impl === 'new' ? chromosomeFeatures(bases, 1000, newWs) : referenceChromosomeFeatures(bases, 1000, refWs);
}
const newWs = new KmerWorkspace();
const refWs = new ReferenceKmerWorkspace();

// Child mode: one implementation once, then its peak RSS.
if (process.argv[2] === '--child') {
  const { bases } = await readChromosome();
  runImpl(process.argv[3] as Impl, bases);
  // VmHWM, not getrusage: a child's maxrss starts at its parent's, which holds both workspaces.
  console.log(JSON.stringify({ maxRssMb: peakRssMb() }));
  process.exit(0);
}

if (!existsSync(`${fasta}.fai`)) {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'simulate', '--out', dir, '--seed', SEED], { stdio: 'inherit' });
}
const { name, bases } = await readChromosome();
const seconds: Record<Impl, number[]> = { new: [], reference: [] };
const cpuSeconds: Record<Impl, number[]> = { new: [], reference: [] }; // steadier than wall time when the cores are shared
let outputs: Record<Impl, Float32Array[]> | undefined;
for (let run = 0; run < RUNS; run++) {
  // Alternate the order so drift in machine load hits both alike.
  const order: Impl[] = run % 2 === 0 ? ['reference', 'new'] : ['new', 'reference'];
  const got = {} as Record<Impl, Float32Array[]>;
  for (const impl of order) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    got[impl] = runImpl(impl, bases);
    seconds[impl].push((performance.now() - t) / 1000);
    const used = process.cpuUsage(cpu);
    cpuSeconds[impl].push((used.user + used.system) / 1e6);
  }
  outputs ??= got;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
let differing = 0;
let values = 0;
outputs!.reference.forEach((ref, f) => {
  const mine = outputs!.new[f]!;
  if (mine.length !== ref.length) throw new Error(`feature ${f}: ${mine.length} bins, reference ${ref.length}`);
  const a = new Uint32Array(mine.buffer, mine.byteOffset, mine.length);
  const b = new Uint32Array(ref.buffer, ref.byteOffset, ref.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
  values += a.length;
});
const rss = (impl: Impl): number => {
  const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', impl], { encoding: 'utf8', env: process.env });
  if (child.status !== 0) throw new Error(`child ${impl} failed: ${child.stderr}`);
  return (JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { maxRssMb: number }).maxRssMb;
};
const mb = bases.length / 1e6;
const [tNew, tRef] = [median(seconds.new), median(seconds.reference)];
console.log(`bench:features — eight k-mer features, ${name} of rice-seed${SEED} (${mb.toFixed(1)} Mb), median of ${RUNS}, same run`);
console.log(`  reference (pre-filter)  ${tRef.toFixed(2)} s  (${seconds.reference.map((s) => s.toFixed(2)).join(', ')})  ${((tRef / bases.length) * 1e9).toFixed(0)} ns/base`);
console.log(`  current                 ${tNew.toFixed(2)} s  (${seconds.new.map((s) => s.toFixed(2)).join(', ')})  ${((tNew / bases.length) * 1e9).toFixed(0)} ns/base`);
const [cNew, cRef] = [median(cpuSeconds.new), median(cpuSeconds.reference)];
console.log(`  speed-up                ${(tRef / tNew).toFixed(2)}× wall; CPU time ${cRef.toFixed(2)} s → ${cNew.toFixed(2)} s, ${(cRef / cNew).toFixed(2)}×`);
console.log(`  bit-identical           ${differing === 0 ? 'yes' : 'NO'}: ${differing} of ${values} Float32 values differ`);
console.log(`  peak RSS, one process   reference ${rss('reference').toFixed(0)} MB, current ${rss('new').toFixed(0)} MB`);
if (differing !== 0) process.exitCode = 1;
