import { EffectsVcfWriter } from '../effects/effectsVcfWriter.js';
import { scoreVariants } from '../effects/variantEffects.js';
import { UsageError } from '../errors.js';
import { InferenceEngine } from '../inference/engine.js';
import { ModelRepository } from '../models/repository.js';
import { IndexedFastaSource } from '../readers/fastaSource.js';
import { VcfFile } from '../readers/vcfFile.js';
import { assertFileTarget } from '../writers/atomicFile.js';
import { ENGINE_ARGS, engineOptions, parseCommandArgs } from './args.js';
import { runInterruptible } from './interruption.js';

export const EFFECTS_HELP = `usage: genomeinfer effects --model NAME[@VERSION] --fasta REF --vcf FILE.vcf.gz --out OUT.vcf.gz [--sample NAME] [options]

Scores each variant (SNP or indel; each ALT allele) of a bgzipped, indexed VCF by the change
in each label's probability between the REF and the ALT sequence: the reference window the
model predicts the variant's bins in (one of the segments predict uses), and the same window
with the allele applied, batched through the same engine. Writes the input's records with, per
label, INFO GI_<label>_MAXABS (max |P(ALT) - P(REF)| over the window's core bins, the bins
the variant reaches) and GI_<label>_DELTA (P(ALT) - P(REF) of the variant's own bin), one
value per ALT ('.' for symbolic alleles and breakends), declared in the header; bgzipped with
a tabix index (OUT.vcf.gz.tbi), readable by bcftools. Both files appear only when complete.
  --fasta FILE          the reference the VCF was called against (indexed FASTA)
  --vcf FILE.vcf.gz     bgzipped VCF with a .tbi or .csi index
  --sample NAME         only the records where this sample's genotype carries an ALT allele
                        (default: every record)
  --out FILE.vcf.gz     output VCF (its index: FILE.vcf.gz.tbi)
  --workers N, --threads-per-worker N, --max-batch N, --device auto|cpu|cuda  as for predict
  --models-dir DIR      model repository (default: GENOMEINFER_MODELS or the bundled models/)`;

export async function effectsCommand(argv: string[]): Promise<number | void> {
  const args = parseCommandArgs('effects', argv, {
    model: { type: 'string' },
    fasta: { type: 'string' },
    fai: { type: 'string' },
    gzi: { type: 'string' },
    vcf: { type: 'string' },
    sample: { type: 'string' },
    out: { type: 'string' },
    ...ENGINE_ARGS,
    'models-dir': { type: 'string' },
  });
  for (const required of ['model', 'fasta', 'vcf', 'out'] as const) {
    if (!args[required]) throw new UsageError(`effects: --${required} is required (see genomeinfer effects --help)`);
  }
  if (!/\.vcf\.gz$/.test(args.out!)) throw new UsageError(`effects: --out must name a .vcf.gz file (it is bgzipped and indexed), not '${args.out}'`);
  await assertFileTarget(args.out!, '--out');
  await assertFileTarget(`${args.out}.tbi`, '--out index');
  const log = (line: string) => process.stderr.write(`genomeinfer: ${line}\n`);
  const model = await new ModelRepository(args['models-dir']).load(args.model!);
  const vcf = await VcfFile.open(args.vcf!);
  const sampleColumn = args.sample === undefined ? undefined : vcf.sampleIndex(args.sample);
  const reference = await IndexedFastaSource.open({ fasta: args.fasta!, fai: args.fai, gzi: args.gzi });
  let engine: InferenceEngine | undefined;
  let writer: EffectsVcfWriter | undefined;
  const work = async (signal: AbortSignal) => {
    engine = await InferenceEngine.create({ ...engineOptions(args), probeModelPath: model.onnxPath, log });
    writer = await EffectsVcfWriter.create(args.out!, vcf.header, model, ['genomeinfer', 'effects', ...argv].join(' '));
    const started = performance.now();
    let variants = 0;
    let lastReport = started;
    for await (const score of scoreVariants(engine, model, reference, vcf, { sampleColumn, signal })) {
      await writer.write(score);
      variants++;
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        log(`${variants} variants scored (${score.variant.CHROM}:${score.variant.POS})`);
      }
    }
    await writer.commit();
    const seconds = (performance.now() - started) / 1000;
    log(`${model.key}: ${variants} variants scored in ${seconds.toFixed(2)} s (${(variants / seconds).toFixed(1)} variants/s) → ${args.out} (+ .tbi)`);
  };
  const aborting = async (signal: AbortSignal) => {
    try {
      await work(signal);
    } catch (err) {
      await writer?.abort();
      throw err;
    }
  };
  return runInterruptible(log, aborting, async () => {
    await engine?.close();
    await reference.close();
  });
}
