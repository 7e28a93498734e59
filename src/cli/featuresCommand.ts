import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FeatureComputer } from '../features/featureComputer.js';
import { ALL_FEATURE_NAMES } from '../features/featureSet.js';
import { IndexedFastaSource } from '../readers/fastaSource.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { UsageError } from '../errors.js';
import { parseCommandArgs, positiveInt } from './args.js';

export const FEATURES_HELP = `usage: genomeinfer features --fasta FILE --out DIR [--bin-bp N] [--workers N]

Computes the centromere models' per-bin features (see the README's "Centromere features"):
seed 000's eight k-mer features (k = 64, 128, 256, 512: highlighted percent and mean
coverage depth), the tandem-period features (tandem_near_fraction, tandem_period,
tandem_period_share), the genome-wide family feature (family_shared_fraction) and the
position (chromosome_end_distance_mb); each chromosome is read once. Writes
  DIR/features.tsv          chrom, start, end and every feature per bin
  DIR/<feature>.bedgraph    one track per feature (sorted; bedGraphToBigWig-ready)
  --bin-bp N    bin size (default 1000)
  --workers N   chromosomes computed in parallel (default: cores; ~14 bytes per base of the largest chromosome each)`;

/** Feature values with 4 decimals: ample for percents and mean depths, and deterministic. */
function formatFeature(v: number): string {
  return v.toFixed(4);
}

export async function featuresCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs('features', argv, {
    fasta: { type: 'string' },
    fai: { type: 'string' },
    gzi: { type: 'string' },
    out: { type: 'string' },
    'bin-bp': { type: 'string' },
    workers: { type: 'string' },
  });
  if (!args.fasta || !args.out) throw new UsageError('features: --fasta and --out are required (see genomeinfer features --help)');
  const binBp = positiveInt('--bin-bp', args['bin-bp']) ?? 1000;
  const workers = positiveInt('--workers', args.workers) ?? availableParallelism();
  const paths = { fasta: args.fasta, fai: args.fai, gzi: args.gzi };
  const fasta = await IndexedFastaSource.open(paths);
  const chromosomes = fasta.chromosomes.filter((c) => c.length > 0);
  await fasta.close();

  const started = performance.now();
  const computer = new FeatureComputer(Math.min(workers, chromosomes.length));
  const files: AtomicFile[] = [];
  try {
    const tsv = await AtomicFile.create(join(args.out, 'features.tsv'));
    files.push(tsv);
    const tracks = await Promise.all(ALL_FEATURE_NAMES.map((name) => AtomicFile.create(join(args.out!, `${name}.bedgraph`))));
    files.push(...tracks);
    await tsv.write(`#chrom\tstart\tend\t${ALL_FEATURE_NAMES.join('\t')}\n`);
    for (const [i, t] of tracks.entries()) await t.write(`track type=bedGraph name="${ALL_FEATURE_NAMES[i]}"\n`);
    let done = 0;
    for await (const { chrom, features } of computer.chromosomes(paths, chromosomes, binBp, ALL_FEATURE_NAMES)) {
      let rows = '';
      const lines: string[] = ALL_FEATURE_NAMES.map(() => '');
      for (let b = 0; b < Math.ceil(chrom.length / binBp); b++) {
        const start = b * binBp;
        const end = Math.min(start + binBp, chrom.length);
        const values = ALL_FEATURE_NAMES.map((name) => formatFeature(features.get(name)![b]!));
        rows += `${chrom.name}\t${start}\t${end}\t${values.join('\t')}\n`;
        for (let f = 0; f < values.length; f++) lines[f] += `${chrom.name}\t${start}\t${end}\t${values[f]}\n`;
      }
      await tsv.write(rows);
      for (const [f, t] of tracks.entries()) await t.write(lines[f]!);
      done += chrom.length;
      process.stderr.write(`genomeinfer: features: ${chrom.name} done (${(done / 1e6).toFixed(1)} Mb, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    }
    for (const f of files) await f.commit();
  } catch (err) {
    await Promise.all(files.map((f) => f.abort()));
    throw err;
  } finally {
    await computer.close();
  }
}
