/**
 * npm run bench:engine — the engine's overhead and memory, measured side by side:
 *  - raw ONNX Runtime: the genome's batches pre-encoded, session.run called directly from
 *    N plain worker threads (1 intra-op thread each), nothing else;
 *  - full pipeline: FASTA reading, segmenting, batching, piscina workers (encoding + run),
 *    stitching, region calling and BED writing, with the same N workers and batch size;
 *  - peak RSS of the pipeline process at two genome sizes.
 * Prints medians of RUNS runs (env BENCH_RUNS, default 3). Genomes are cached in .cache/bench.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MAX_BATCH = 8; // the engine's default
const SIZES_MB = (process.env.BENCH_SIZES_MB ?? '20,200').split(',').map(Number);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function genome(mb: number): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const path = join(CACHE, `genome-${mb}mb.fa`);
  if (!existsSync(`${path}.fai`)) {
    // Rice-like chromosome sizes: 20 Mb → 4 × 5 Mb; 200 Mb → 8 × 25 Mb.
    const n = mb >= 100 ? 8 : 4;
    const chromosomes = Array.from({ length: n }, (_, i) => ({ name: `chr${i + 1}`, length: Math.round((mb * 1e6) / n) - i * 7 }));
    process.stderr.write(`bench: writing ${path} (${mb} Mb)…\n`);
    await writeExampleGenome(path, chromosomes, 1000 + mb);
  }
  return path;
}

/** The pipeline's segments of the genome grouped as the batcher groups them (8 per batch). */
async function segmentBatches(fasta: string, inputBp: number, geometry: Parameters<typeof planSegments>[1]): Promise<Uint8Array[]> {
  const src = await IndexedFastaSource.open({ fasta });
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

async function rawOrt(onnxPath: string, batches: Uint8Array[], inputBp: number): Promise<number> {
  const workers = Array.from({ length: WORKERS }, (_, w) => {
    const mine = batches.filter((_, i) => i % WORKERS === w);
    return new Worker(new URL('./rawOrtWorker.js', import.meta.url), { workerData: { onnxPath: onnxPath, batches: mine, inputBp } });
  });
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    await Promise.all(workers.map((w) => new Promise((r) => { w.once('message', r); w.postMessage('go'); })));
    times.push((performance.now() - t0) / 1000);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return median(times);
}

interface PipelineResult { seconds: number; bases: number; bins: number; maxRssMb: number; inferMs: number; encodeMs: number; batches: number }

function pipeline(fasta: string): PipelineResult {
  const runs: PipelineResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    const out = execFileSync(process.execPath, [join(ROOT, 'dist/bench/pipelineRun.js'), fasta, String(WORKERS), join(CACHE, 'out.bed')], { encoding: 'utf8' });
    runs.push(JSON.parse(out.trim().split('\n').at(-1)!) as PipelineResult);
  }
  const seconds = median(runs.map((r) => r.seconds));
  return { ...runs.find((r) => r.seconds === seconds)!, maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)) };
}

const model = await new ModelRepository(join(ROOT, 'models')).load('example-cpg');
const g = model.geometry;
const inputBp = (g.segmentBins + 2 * g.contextBins) * g.binBp;
console.log(`bench:engine — model ${model.key}, ${WORKERS} workers × 1 intra-op thread, batch ≤ ${MAX_BATCH} × ${inputBp} bp, median of ${RUNS} runs`);
const rows: string[] = [];
for (const mb of SIZES_MB) {
  const fasta = await genome(mb);
  const p = pipeline(fasta);
  const pipelineBinsPerS = p.bins / p.seconds;
  let line = `${String(mb).padStart(4)} Mb genome: pipeline ${(pipelineBinsPerS / 1e3).toFixed(1)} kbins/s (${(p.bases / 1e6 / p.seconds).toFixed(2)} Mb/s, ${p.seconds.toFixed(2)} s), peak RSS ${p.maxRssMb.toFixed(0)} MB`;
  if (mb === SIZES_MB[0]) {
    const batches = await segmentBatches(fasta, inputBp, g);
    const rawSeconds = await rawOrt(model.onnxPath, batches, inputBp);
    const rawBinsPerS = (batches.reduce((s, b) => s + b.length / inputBp, 0) * g.segmentBins) / rawSeconds;
    line += `\n            raw ONNX Runtime on the same ${batches.length} batches: ${(rawBinsPerS / 1e3).toFixed(1)} kbins/s (${rawSeconds.toFixed(2)} s)` +
      `\n            ratio pipeline / raw = ${(pipelineBinsPerS / rawBinsPerS).toFixed(3)}`;
  }
  rows.push(line);
  console.log(line);
}
