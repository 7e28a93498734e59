import { InferenceEngine } from '../inference/engine.js';
import { ModelRepository } from '../models/repository.js';
import { openGenomeInput } from '../pipeline/genomeInput.js';
import { bedGraphPaths, bigWigPaths, runPrediction } from '../pipeline/runPrediction.js';
import { UsageError } from '../errors.js';
import { assertFileTarget } from '../writers/atomicFile.js';
import { runInterruptible } from './interruption.js';
import { ENGINE_ARGS, engineOptions, parseCommandArgs } from './args.js';
import { ProgressBar } from './progressBar.js';
import { varietyArgs } from '../pipeline/varietyRequest.js';
import { VARIETY_ARGS, VARIETY_HELP } from './varietyArgs.js';
import { VcfVarietySource } from '../readers/vcfVarietySource.js';

export const PREDICT_HELP = `usage: genomeinfer predict --model NAME[@VERSION] --fasta FILE --out FILE.bed [options]
       genomeinfer predict --model NAME[@VERSION] --fasta REF --vcf FILE.vcf.gz --sample NAME --out FILE.bed [options]

Runs one genome through one model and writes the called regions as BED (and per-bin
probabilities as bedGraph and/or bigWig). Outputs appear only when complete.
  --fasta FILE          indexed FASTA: FILE + FILE.fai, or bgzip FILE.gz + .fai + .gzi
  --fai FILE, --gzi FILE  index paths when not next to the FASTA
${VARIETY_HELP}
  --track NAME=FILE.bw  bigWig for a track model's input NAME (repeat per track)
  --out FILE.bed        regions, BED9, sorted by FASTA order then start
  --bedgraph FILE       per-bin probabilities (one file per label: FILE.<label>.ext when several)
  --bigwig-out PREFIX   per-bin probabilities as bigWig, one file per label: PREFIX.<label>.bw
                        (exact float32 values, zoom levels for genome browsers)
  --workers N           inference worker threads (default: cores)
  --threads-per-worker N  ONNX Runtime intra-op threads per worker (default: cores / workers)
  --max-batch N         segments per inference batch (default 8; small models may run faster with 2)
  --release-idle-seconds N  a worker releases a model's ONNX Runtime session, and its memory, after N s without a batch (default 10; 0: never)
  --device auto|cpu|cuda  execution provider (default auto: CUDA if available, else CPU)
  --threshold P, --min-region-bp N, --merge-gap-bp N, --top-n N  override the manifest's postprocess
  --models-dir DIR      model repository (default: GENOMEINFER_MODELS or the bundled models/)`;

export async function predictCommand(argv: string[]): Promise<number | void> {
  const args = parseCommandArgs('predict', argv, {
    model: { type: 'string' },
    fasta: { type: 'string' },
    fai: { type: 'string' },
    gzi: { type: 'string' },
    ...VARIETY_ARGS,
    track: { type: 'string', multiple: true },
    out: { type: 'string' },
    bedgraph: { type: 'string' },
    'bigwig-out': { type: 'string' },
    ...ENGINE_ARGS,
    threshold: { type: 'string' },
    'min-region-bp': { type: 'string' },
    'merge-gap-bp': { type: 'string' },
    'top-n': { type: 'string' },
    'models-dir': { type: 'string' },
  });
  for (const required of ['model', 'fasta', 'out'] as const) {
    if (!args[required]) throw new UsageError(`predict: --${required} is required (see genomeinfer predict --help)`);
  }
  const engineArgs = engineOptions(args);
  const variety = varietyArgs(args);
  const tracks: Record<string, string> = {};
  for (const t of args.track ?? []) {
    const eq = t.indexOf('=');
    if (eq <= 0 || eq === t.length - 1) throw new UsageError(`--track must be NAME=FILE.bw, not '${t}'`);
    tracks[t.slice(0, eq)] = t.slice(eq + 1);
  }
  const threshold = args.threshold === undefined ? undefined : Number(args.threshold);
  if (threshold !== undefined && !(args.threshold!.trim() !== '' && threshold >= 0 && threshold <= 1)) {
    throw new UsageError(`--threshold must be a number in [0, 1], not '${args.threshold}'`);
  }
  const count = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be an integer ≥ 0, not '${v}'`);
    return n;
  };
  const regions = {
    threshold,
    minRegionBp: count('min-region-bp', args['min-region-bp']),
    mergeGapBp: count('merge-gap-bp', args['merge-gap-bp']),
    topN: count('top-n', args['top-n']),
  };
  // Before any work: an output that names a directory would only fail at the final rename.
  await assertFileTarget(args.out!, '--out');

  const log = (line: string) => process.stderr.write(`genomeinfer: ${line}\n`);
  const model = await new ModelRepository(args['models-dir']).load(args.model!);
  const outputs = { bed: args.out!, bedGraph: args.bedgraph, bigWig: args['bigwig-out'] };
  if (outputs.bedGraph) for (const p of bedGraphPaths(outputs.bedGraph, model.manifest.labels)) await assertFileTarget(p, '--bedgraph output');
  if (outputs.bigWig) for (const p of bigWigPaths(outputs.bigWig, model.manifest.labels)) await assertFileTarget(p, '--bigwig-out output');
  const input = await openGenomeInput({ fasta: args.fasta!, fai: args.fai, gzi: args.gzi, tracks, ...variety }, model);
  if (input.fasta instanceof VcfVarietySource) log(input.fasta.describe());
  const bar = new ProgressBar();
  let engine: InferenceEngine | undefined;
  const work = async (signal: AbortSignal) => {
    engine = await InferenceEngine.create({
      ...engineArgs,
      probeModelPath: model.onnxPath,
      log,
    });
    const summary = await runPrediction(engine, model, input, outputs, {
      onProgress: (p) => bar.update(p),
      regions,
      signal,
    });
    bar.done();
    const mbps = summary.bases / 1e6 / summary.seconds;
    log(`${summary.model}: ${summary.regions} regions on ${summary.chromosomes} chromosome(s) (${(summary.bases / 1e6).toFixed(2)} Mb in ${summary.seconds.toFixed(2)} s, ${mbps.toFixed(2)} Mb/s) → ${summary.files.join(', ')}`);
  };
  return runInterruptible(log, work, async () => {
    bar.done();
    await engine?.closeWhenIdle(30_000);
    await input.close();
  });
}
