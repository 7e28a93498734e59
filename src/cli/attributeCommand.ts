import { attributionPaths, DEFAULT_TOP, writeAttribution } from '../attribution/attributionOutputs.js';
import { parseRegion } from '../attribution/genomicRegion.js';
import { attributeRegion } from '../attribution/ismAttribution.js';
import { InferenceEngine } from '../inference/engine.js';
import { ModelRepository } from '../models/repository.js';
import { openGenomeInput } from '../pipeline/genomeInput.js';
import { UsageError } from '../errors.js';
import { assertFileTarget } from '../writers/atomicFile.js';
import { runInterruptible } from './interruption.js';
import { ENGINE_ARGS, engineOptions, parseCommandArgs, positiveInt } from './args.js';
import { ProgressBar } from './progressBar.js';

export const ATTRIBUTE_HELP = `usage: genomeinfer attribute --model NAME[@VERSION] --fasta FILE --region CHR:START-END --out PREFIX [options]

In-silico mutagenesis: every A/C/G/T base of the region is replaced by each of the three
other bases and run through the model exactly as predict runs the genome (same segments,
context and batching). For each mutant, delta = the change of the label's probability summed
over the bins the region affects. Writes, each atomically:
  PREFIX.attribution.maxabs.bw  per base, the largest |delta| of its three mutants (bigWig)
  PREFIX.attribution.mean.bw    per base, the signed mean delta of its three mutants (bigWig)
  PREFIX.attribution.tsv        the top positions by |importance|, importance = -mean delta
                                (positive: the base supports the label): chrom start end
                                (0-based, as BED) ref delta_A..T ... importance
  PREFIX.attribution.svg        sequence logo of the region, letter height = importance
  --region CHR:START-END  1-based, both ends included (as samtools, IGV): chr1:1001-2000
  --label L             the output label to explain (default: the model's first)
  --top N               positions in the TSV (default ${DEFAULT_TOP})
  --fasta FILE, --fai FILE, --gzi FILE, --workers N, --threads-per-worker N, --max-batch N,
  --device auto|cpu|cuda, --models-dir DIR   as for predict`;

export async function attributeCommand(argv: string[]): Promise<number | void> {
  const args = parseCommandArgs('attribute', argv, {
    model: { type: 'string' },
    fasta: { type: 'string' },
    fai: { type: 'string' },
    gzi: { type: 'string' },
    region: { type: 'string' },
    label: { type: 'string' },
    top: { type: 'string' },
    out: { type: 'string' },
    ...ENGINE_ARGS,
    'models-dir': { type: 'string' },
  });
  for (const required of ['model', 'fasta', 'region', 'out'] as const) {
    if (!args[required]) throw new UsageError(`attribute: --${required} is required (see genomeinfer attribute --help)`);
  }
  const engineArgs = engineOptions(args);
  const top = positiveInt('--top', args.top) ?? DEFAULT_TOP;
  const region = parseRegion(args.region!);
  const paths = attributionPaths(args.out!);
  for (const p of Object.values(paths)) await assertFileTarget(p, '--out output');

  const log = (line: string) => process.stderr.write(`genomeinfer: ${line}\n`);
  const model = await new ModelRepository(args['models-dir']).load(args.model!);
  const input = await openGenomeInput({ fasta: args.fasta!, fai: args.fai, gzi: args.gzi }, model);
  const bar = new ProgressBar(process.stderr, 'bases');
  let engine: InferenceEngine | undefined;
  const work = async (signal: AbortSignal) => {
    engine = await InferenceEngine.create({ ...engineArgs, probeModelPath: model.onnxPath, log });
    const result = await attributeRegion(engine, model, input, { region, label: args.label }, {
      signal,
      onProgress: (basesDone, basesTotal) => bar.update({ basesDone, basesTotal, chrom: region.chrom }),
    });
    bar.done();
    const files = await writeAttribution(result, input.fasta.chromosomes, paths, top);
    const bases = result.reference.length;
    log(
      `${result.model} ${result.label}: ${bases} bases attributed (${result.mutants} mutants over ${result.segments} segment(s), bins ${result.affectedBins.start}-${result.affectedBins.end}) in ${result.seconds.toFixed(2)} s, ${(bases / result.seconds).toFixed(1)} bases/s → ${files.join(', ')}`,
    );
  };
  return runInterruptible(log, work, async () => {
    bar.done();
    await engine?.closeWhenIdle(30_000);
    await input.close();
  });
}
