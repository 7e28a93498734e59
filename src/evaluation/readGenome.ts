import type { Bp, Chromosome } from '../genome.js';
import { dataLines, lineError, parseBp } from './dataLines.js';

/** Chromosome name → length, in the genome file's order (Map keeps insertion order). */
export type GenomeLengths = Map<string, Bp>;

/**
 * Reads a `.fai` or any name/length file (bedtools' "genome file"): the first two columns
 * of each line; further columns (the .fai offsets) are ignored.
 */
export async function readGenomeLengths(path: string): Promise<GenomeLengths> {
  const genome: GenomeLengths = new Map();
  for await (const line of dataLines(path, 'genome file')) {
    const [name, lengthField] = line.fields;
    if (!name || lengthField === undefined) {
      throw lineError('genome_invalid', path, line.lineNumber, 'expected at least 2 columns (name, length)');
    }
    const length = parseBp(lengthField, 'length', path, line.lineNumber, 'genome_invalid');
    if (genome.has(name)) throw lineError('genome_invalid', path, line.lineNumber, `chromosome ${name} is listed twice`);
    genome.set(name, length);
  }
  return genome;
}

export function genomeChromosomes(genome: GenomeLengths): Chromosome[] {
  return [...genome].map(([name, length]) => ({ name, length }));
}

/**
 * Checks an interval of `path` against --genome: its chromosome must be listed and it must
 * end within it (a mismatched assembly or genome file is the usual cause).
 */
export function checkAgainstGenome(genome: GenomeLengths | undefined, genomePath: string | undefined, chrom: string, end: Bp, path: string, lineNumber: number): void {
  if (!genome) return;
  const length = genome.get(chrom);
  if (length === undefined) {
    throw lineError('chromosome_unknown', path, lineNumber, `chromosome ${chrom} is not in the genome file ${genomePath}`);
  }
  if (end > length) {
    throw lineError('interval_past_end', path, lineNumber, `end ${end} is past the end of ${chrom} (${length} bp in ${genomePath})`);
  }
}
