import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EXAMPLE_CHROMOSOMES, writeExampleGenome } from '../examples/exampleGenome.js';
import type { Chromosome } from '../genome.js';
import { UsageError } from '../errors.js';
import { parseCommandArgs, positiveInt } from './args.js';

export const SIMULATE_HELP = `usage: genomeinfer simulate --example --out DIR [--chromosomes NAME:BP,…] [--seed N]

Writes DIR/example.fa and DIR/example.fa.fai: the deterministic example genome (GC ≈ 43%,
CpG islands, motif clusters, soft-masked stretches, an N gap per chromosome). Default
chromosomes: ${EXAMPLE_CHROMOSOMES.map((c) => `${c.name}:${c.length}`).join(',')}.`;

export async function simulateCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs('simulate', argv, {
    example: { type: 'boolean' },
    out: { type: 'string' },
    chromosomes: { type: 'string' },
    seed: { type: 'string' },
  });
  if (!args.example) throw new UsageError('simulate: only --example is available so far (see genomeinfer simulate --help)');
  if (!args.out) throw new UsageError('simulate: --out DIR is required');
  const chromosomes: Chromosome[] = args.chromosomes
    ? args.chromosomes.split(',').map((spec) => {
        const [name, bp] = spec.split(':');
        const length = positiveInt(`--chromosomes ${name}`, bp);
        if (!name || !length) throw new UsageError(`--chromosomes wants NAME:BP,…, not '${spec}'`);
        return { name, length };
      })
    : EXAMPLE_CHROMOSOMES;
  await mkdir(args.out, { recursive: true });
  const path = join(args.out, 'example.fa');
  const bases = await writeExampleGenome(path, chromosomes, positiveInt('--seed', args.seed));
  process.stderr.write(`genomeinfer: wrote ${path} (+ .fai): ${chromosomes.length} chromosomes, ${(bases / 1e6).toFixed(2)} Mb\n`);
}
