/**
 * npm run bench:attribution — in-silico mutagenesis throughput (bases attributed per second:
 * every base of the region mutated to the three others, each mutant a whole model input) for a
 * 2-kb region with histone@2, next to `predict` throughput on the same machine, engine and
 * settings, in one run: predict, ISM, predict again (the machine's speed drifts; both predict
 * runs are printed). Also printed: model inputs per second in each mode (ISM runs a whole
 * input per mutant; equal rates mean the mutants are batched as well as predict's segments)
 * and the mean batch size (the mutants of one segment share batches, never one by one).
 * Env: BENCH_SEED (simulated epigenome, default 9), BENCH_CHROMOSOME_BP (default 2000000),
 * BENCH_REGION (default chr1:29001-31000, inside one segment's input), BENCH_WORKERS (default 2).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRegion } from '../src/attribution/genomicRegion.js';
import { attributeRegion } from '../src/attribution/ismAttribution.js';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository } from '../src/models/repository.js';
import { openGenomeInput } from '../src/pipeline/genomeInput.js';
import { runPrediction } from '../src/pipeline/runPrediction.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SEED = process.env.BENCH_SEED ?? '9';
const CHROMOSOME_BP = process.env.BENCH_CHROMOSOME_BP ?? '2000000';
const REGION = parseRegion(process.env.BENCH_REGION ?? 'chr1:29001-31000');
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

const dir = join(ROOT, '.cache/bench', `attribution-seed${SEED}-${CHROMOSOME_BP}`);
const fasta = join(dir, 'genome.fa');
if (!existsSync(`${fasta}.fai`)) execFileSync(process.execPath, [CLI, 'simulate', '--epigenome', '--out', dir, '--seed', SEED, '--chromosomes', '1', '--chromosome-bp', CHROMOSOME_BP], { stdio: 'inherit' });

const model = await new ModelRepository().load('histone@2');
const engine = await InferenceEngine.create({ workers: WORKERS, device: 'cpu', probeModelPath: model.onnxPath });
const input = await openGenomeInput({ fasta }, model);
/** Engine counters over `run`: model inputs, batches, seconds. */
async function measured<T>(run: () => Promise<T>) {
  const before = { ...engine.stats };
  const t0 = performance.now();
  const value = await run();
  const seconds = (performance.now() - t0) / 1000;
  return { value, seconds, inputs: engine.stats.segments - before.segments, batches: engine.stats.batches - before.batches };
}
try {
  await engine.warmUp(model);
  const predict = () => measured(() => runPrediction(engine, model, input, { bed: join(dir, 'predicted.bed') }));
  const p1 = await predict();
  const ism = await measured(() => attributeRegion(engine, model, input, { region: REGION, label: 'H3K4me3' }));
  const p2 = await predict();
  const bases = REGION.end - REGION.start;
  const line = (name: string, r: { seconds: number; inputs: number; batches: number }, rate: string) =>
    console.log(`  ${name.padEnd(22)} ${rate}; ${(r.inputs / r.seconds).toFixed(1)} model inputs/s (${r.inputs} inputs in ${r.batches} batches, mean ${(r.inputs / r.batches).toFixed(2)} per batch), ${r.seconds.toFixed(1)} s`);
  const rc = model.manifest.input.kind === 'sequence' && model.manifest.input.reverse_complement_average;
  console.log(`bench:attribution — ${model.key}, ${WORKERS} workers × ${engine.threadsPerWorker} thread(s), CPU${rc ? ', reverse-complement averaging (both strands)' : ''}; inputs of ${(model.geometry.segmentBins + 2 * model.geometry.contextBins) * model.geometry.binBp} bp`);
  line('predict', p1, `${(p1.value.bases / p1.seconds / 1e6).toFixed(3)} Mbp/s (${(p1.value.bases / 1e6).toFixed(1)} Mb)`);
  line(`ISM ${REGION.chrom}:${REGION.start + 1}-${REGION.end}`, ism, `${(bases / ism.seconds).toFixed(1)} bases attributed/s (${bases} bases, ${ism.value.mutants} mutants over ${ism.value.segments} segment(s))`);
  line('predict again', p2, `${(p2.value.bases / p2.seconds / 1e6).toFixed(3)} Mbp/s`);
  const predictInputs = (p1.inputs / p1.seconds + p2.inputs / p2.seconds) / 2;
  console.log(`  ISM runs model inputs at ${((ism.inputs / ism.seconds / predictInputs) * 100).toFixed(0)}% of predict's rate; ${(ism.value.mutants / bases).toFixed(2)} mutated inputs per attributed base (3 per segment whose input holds it)`);
} finally {
  await input.close();
  await engine.close();
}
