/**
 * npm run bench:engine — the engine's overhead and memory, measured side by side:
 *  - raw ONNX Runtime: the genome's batches pre-encoded, session.run called directly from
 *    N plain worker threads (1 intra-op thread each), nothing else;
 *  - full pipeline: FASTA reading, segmenting, batching, piscina workers (encoding + run),
 *    stitching, region calling and BED writing, with the same N workers and batch size;
 *  - peak RSS of the pipeline process at two genome sizes (env BENCH_SIZES_MB, default 20,200).
 * Batch size: env BENCH_MAX_BATCH (default 8, the engine's default); workers: BENCH_WORKERS (2);
 * intra-op threads per worker: BENCH_THREADS (default cores / workers), for raw and pipeline alike.
 * Prints medians of RUNS runs (env BENCH_RUNS, default 5). Genomes are cached in .cache/bench.
 * Model: env BENCH_MODEL (default example-cpg, i.e. its newest version).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { IndexedFastaSource } from '../src/readers/fastaSource.js';
import { ModelRepository } from '../src/models/repository.js';
import { planSegments } from '../src/segmenting/segmenter.js';
import { N_BYTE } from '../src/encoding/onehot.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CACHE = join(ROOT, '.cache/bench');
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
// Intra-op threads per worker, the same for raw and pipeline (the engine's default rule).
const THREADS = Number(process.env.BENCH_THREADS ?? Math.max(1, Math.floor(availableParallelism() / WORKERS)));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MAX_BATCH = Number(process.env.BENCH_MAX_BATCH ?? 8); // the engine's default is 8
const SIZES_MB = (process.env.BENCH_SIZES_MB ?? '20,200').split(',').map(Number);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function genome(mb: number): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const path = join(CACHE, `genome-${mb}mb.fa`);
  if (!existsSync(`${path}.fai`)) {
    // Chromosomes of ~20 Mb (rice's are 23–43 Mb): 20 Mb → 1, 200 Mb → 10. Memory may grow
    // with the largest chromosome (its per-bin arrays), not with the number of them.
    const n = Math.max(1, Math.round(mb / 20));
    const chromosomes = Array.from({ length: n }, (_, i) => ({ name: `chr${i + 1}`, length: Math.round((mb * 1e6) / n) - i * 7 }));
    process.stderr.write(`bench: writing ${path} (${mb} Mb)…\n`);
    await writeExampleGenome(path, chromosomes, 1000 + mb);
  }
  return path;
}

/** The pipeline's segments of the genome grouped as the batcher groups them (8 per batch). */
async function segmentBatches(fasta: string, inputBp: number, geometry: Parameters<typeof planSegments>[1]): Promise<Uint8Array[]> {
  const src = await IndexedFastaSource.open({ fasta });
  try {
    return await readBatches(src, inputBp, geometry);
  } finally {
    await src.close();
  }
}

async function readBatches(src: IndexedFastaSource, inputBp: number, geometry: Parameters<typeof planSegments>[1]): Promise<Uint8Array[]> {
  const segments = src.chromosomes.flatMap((c) => planSegments(c, geometry).map((s) => ({ s, c })));
  const batches: Uint8Array[] = [];
  for (let i = 0; i < segments.length; i += MAX_BATCH) {
    const group = segments.slice(i, i + MAX_BATCH);
    const buf = new Uint8Array(group.length * inputBp).fill(N_BYTE);
    for (const [k, { s, c }] of group.entries()) {
      const from = Math.max(0, s.inputStart);
      const to = Math.min(c.length, s.inputEnd);
      await src.read(c.name, from, to, buf, k * inputBp + from - s.inputStart);
    }
    batches.push(buf);
  }
  return batches;
}

/** Plain worker threads holding pre-built tensors of `batches`; `run()` times one pass over them all. */
async function rawOrtRunner(batches: Uint8Array[], inputBp: number): Promise<{ run: () => Promise<number>; close: () => Promise<void> }> {
  if (model.manifest.input.kind !== 'sequence') throw new Error('bench:engine runs a sequence model');
  const { encoding, tensor: tensorName } = model.manifest.input;
  const workers = Array.from({ length: WORKERS }, (_, w) => {
    const mine = batches.filter((_, i) => i % WORKERS === w);
    return new Worker(new URL('./rawOrtWorker.js', import.meta.url), { workerData: { onnxPath: model.onnxPath, batches: mine, inputBp, encoding, tensorName, threads: THREADS } });
  });
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  return {
    run: async () => {
      const t0 = performance.now();
      await Promise.all(workers.map((w) => new Promise((r) => { w.once('message', r); w.postMessage('go'); })));
      return (performance.now() - t0) / 1000;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

interface PipelineResult { seconds: number; bases: number; bins: number; maxRssMb: number; inferMs: number; encodeMs: number; batches: number }

function pipelineRun(fasta: string): PipelineResult {
  const out = execFileSync(process.execPath, [join(ROOT, 'dist/bench/pipelineRun.js'), fasta, String(WORKERS), join(CACHE, 'out.bed'), MODEL, String(THREADS)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as PipelineResult;
}

const MODEL = process.env.BENCH_MODEL ?? 'example-cpg';
const model = await new ModelRepository(join(ROOT, 'models')).load(MODEL);
const g = model.geometry;
const inputBp = (g.segmentBins + 2 * g.contextBins) * g.binBp;
console.log(`bench:engine — model ${model.key}, ${WORKERS} worker(s) × ${THREADS} intra-op thread(s), batch ≤ ${MAX_BATCH} × ${inputBp} bp, median of ${RUNS} runs`);
for (const mb of SIZES_MB) {
  const fasta = await genome(mb);
  const batches = await segmentBatches(fasta, inputBp, g);
  const bins = batches.reduce((sum, b) => sum + b.length / inputBp, 0) * g.segmentBins;
  const raw = await rawOrtRunner(batches, inputBp);
  // Raw and pipeline runs alternate, so drift in this (shared, virtual) machine's speed hits
  // both alike; the ratio is taken per pair, then the median.
  const pairs: { raw: number; pipe: PipelineResult }[] = [];
  for (let run = 0; run < RUNS; run++) pairs.push({ raw: await raw.run(), pipe: pipelineRun(fasta) });
  await raw.close();
  const rawSeconds = median(pairs.map((p) => p.raw));
  const pipeSeconds = median(pairs.map((p) => p.pipe.seconds));
  const ratio = median(pairs.map((p) => p.raw / p.pipe.seconds));
  const rss = Math.max(...pairs.map((p) => p.pipe.maxRssMb));
  const bases = pairs[0]!.pipe.bases;
  console.log(
    `${String(mb).padStart(4)} Mb genome, ${batches.length} batches:\n` +
      `    raw ONNX Runtime  ${(bins / rawSeconds / 1e3).toFixed(1)} kbins/s (${rawSeconds.toFixed(2)} s)\n` +
      `    full pipeline     ${(bins / pipeSeconds / 1e3).toFixed(1)} kbins/s (${pipeSeconds.toFixed(2)} s, ${(bases / 1e6 / pipeSeconds).toFixed(1)} Mb/s)\n` +
      `    ratio pipeline/raw ${ratio.toFixed(3)} (per-pair ratios: ${pairs.map((p) => (p.raw / p.pipe.seconds).toFixed(3)).join(', ')})\n` +
      `    pipeline peak RSS ${rss.toFixed(0)} MB (per run: ${pairs.map((p) => p.pipe.maxRssMb.toFixed(0)).join(', ')})`,
  );
}
