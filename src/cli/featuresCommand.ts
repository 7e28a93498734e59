import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FeatureComputer } from '../features/featureComputer.js';
import { FEATURE_NAMES } from '../features/kmerFeatures.js';
import { IndexedFastaSource } from '../readers/fastaSource.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { UsageError } from '../errors.js';
import { parseCommandArgs, positiveInt } from './args.js';

export const FEATURES_HELP = `usage: genomeinfer features --fasta FILE --out DIR [--bin-bp N] [--workers N]

Computes the centromere model's eight k-mer features (k = 64, 128, 256, 512:
highlighted percent and mean coverage depth per bin; see DESIGN.md) and writes
  DIR/features.tsv          chrom, start, end and the eight features per bin
  DIR/<feature>.bedgraph    one track per feature (sorted; bedGraphToBigWig-ready)
  --bin-bp N    bin size (default 1000)
  --workers N   chromosomes computed in parallel (default: cores; ~20 bytes/base each)`;

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
    const tracks = await Promise.all(FEATURE_NAMES.map((name) => AtomicFile.create(join(args.out!, `${name}.bedgraph`))));
    files.push(...tracks);
    await tsv.write(`#chrom\tstart\tend\t${FEATURE_NAMES.join('\t')}\n`);
    for (const [i, t] of tracks.entries()) await t.write(`track type=bedGraph name="${FEATURE_NAMES[i]}"\n`);
    let done = 0;
    for await (const { chrom, features } of computer.chromosomes(paths, chromosomes, binBp)) {
      let rows = '';
      const lines: string[] = FEATURE_NAMES.map(() => '');
      for (let b = 0; b < features[0]!.length; b++) {
        const start = b * binBp;
        const end = Math.min(start + binBp, chrom.length);
        const values = features.map((f) => formatFeature(f[b]!));
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
