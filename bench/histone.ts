/**
 * npm run bench:histone — the histone model's full pipeline on CPU (2 workers: FASTA reading,
 * segmenting, batching, ONNX Runtime, reverse-complement averaging, stitching, BED output) next
 * to PyTorch eager (Debian torch, 2 threads) on the same segments and weights, alternating run
 * by run; the ratio is the median of the per-pair ratios. Targets (issue 4): ≥ 0.3 Mbp/s and
 * ≥ 2× PyTorch. Then the projected CPU core-hours for 2,980 genomes of 373 Mb.
 * Env: BENCH_RUNS (default 3), BENCH_SEED (simulated epigenome, default 9), BENCH_MODEL (default histone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRepository, modelRef } from '../src/models/repository.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SEED = process.env.BENCH_SEED ?? '9';
const MODEL = process.env.BENCH_MODEL ?? 'histone';
const dir = join(ROOT, '.cache/bench', `epigenome-seed${SEED}`);
const fasta = join(dir, 'genome.fa');
const RICE_BP = 373_245_519;
const VARIETIES = 2_980;
const WORKERS = 2;

if (!existsSync(`${fasta}.fai`)) {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [CLI, 'simulate', '--epigenome', '--out', dir, '--seed', SEED], { stdio: 'inherit' });
}
const model = await new ModelRepository().load(MODEL);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function pipeline(): { seconds: number; bases: number; maxRssMb: number } {
  const out = execFileSync(process.execPath, [join(ROOT, 'dist/bench/pipelineRun.js'), fasta, String(WORKERS), join(dir, 'histone.bed'), modelRef(model.manifest)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

function pytorch(): { seconds: number; bases: number; segments: number } {
  const out = execFileSync('/usr/bin/python3', [join(ROOT, 'bench/histone_torch.py'), fasta, join(model.onnxPath, '..')], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const ours: number[] = [];
const torch: number[] = [];
const ratios: number[] = [];
let rss = 0;
let bases = 0;
for (let i = 0; i < RUNS; i++) {
  const p = pipeline();
  const t = pytorch();
  bases = p.bases;
  rss = Math.max(rss, p.maxRssMb);
  ours.push(p.bases / p.seconds);
  torch.push(t.bases / t.seconds);
  ratios.push(p.bases / p.seconds / (t.bases / t.seconds));
  console.log(`  run ${i + 1}: pipeline ${(p.bases / p.seconds / 1e6).toFixed(3)} Mbp/s, PyTorch eager ${(t.bases / t.seconds / 1e6).toFixed(3)} Mbp/s`);
}
const bps = median(ours);
const rc = model.manifest.input.kind === 'sequence' && model.manifest.input.reverse_complement_average;
console.log(`bench:histone — ${model.key} on simulated epigenome seed ${SEED} (${(bases / 1e6).toFixed(1)} Mb), ${WORKERS} workers, CPU` + (rc ? ', reverse-complement averaging on (both strands)' : ''));
console.log(`  pipeline        ${(bps / 1e6).toFixed(3)} Mbp/s (median of ${RUNS}; target ≥ 0.3), peak RSS ${rss.toFixed(0)} MB`);
console.log(`  PyTorch eager   ${(median(torch) / 1e6).toFixed(3)} Mbp/s (2 threads, same segments and weights)`);
console.log(`  ratio           ${median(ratios).toFixed(2)}× (median of per-pair ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ≥ 2)`);
const coreHours = (VARIETIES * RICE_BP) / bps / 3600 * WORKERS;
console.log(`  projection      ${VARIETIES} genomes × ${(RICE_BP / 1e6).toFixed(1)} Mb = ${((VARIETIES * RICE_BP) / 1e12).toFixed(3)} Tbp → ${coreHours.toFixed(0)} CPU core-hours (${WORKERS} cores at the measured rate)`);

// The bigWig writer's memory: a whole 373-Mb genome's track against one a tenth the size.
// Streaming keeps one chromosome's bins, so peak RSS should follow the largest chromosome, not the genome.
console.log('  bigWig writer (100-bp bins, IRGSP chromosome lengths; each run in its own process):');
for (const scale of ['0.1', '1']) {
  const out = join(dir, `track-x${scale}.bw`);
  const r = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/bench/bigWigRun.js'), scale, out], { encoding: 'utf8' }).trim()) as { seconds: number; bytes: number; bins: number; maxRssMb: number };
  console.log(`    ${(RICE_BP * Number(scale) / 1e6).toFixed(0).padStart(4)} Mb: ${r.bins} bins in ${r.seconds.toFixed(1)} s, ${(r.bytes / 1e6).toFixed(1)} MB file, peak RSS ${r.maxRssMb.toFixed(0)} MB`);
}
