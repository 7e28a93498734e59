import type { Bp, Chromosome } from '../genome.js';
import { InputError } from '../errors.js';

/** A stretch of one chromosome, 0-based half-open. */
export interface GenomicRegion {
  chrom: string;
  start: Bp;
  end: Bp;
}

/**
 * `CHR:START-END` as samtools and genome browsers write it: 1-based, both ends included,
 * thousands separators allowed (`chr1:1,001-2,000` is bases 1,001 to 2,000, i.e. 0-based
 * [1000, 2000)). The chromosome name is everything before the last colon, so names holding
 * colons still work.
 */
export function parseRegion(text: string): GenomicRegion {
  const colon = text.lastIndexOf(':');
  const match = colon > 0 ? /^([0-9,]+)-([0-9,]+)$/.exec(text.slice(colon + 1).trim()) : null;
  if (!match) throw new InputError('region_invalid', `region '${text}' is not CHR:START-END (1-based, both ends included, e.g. chr1:1001-2000)`);
  const first = Number(match[1]!.replaceAll(',', ''));
  const last = Number(match[2]!.replaceAll(',', ''));
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first) {
    throw new InputError('region_invalid', `region '${text}': START must be ≥ 1 and END ≥ START (1-based, both ends included)`);
  }
  return { chrom: text.slice(0, colon), start: first - 1, end: last };
}

/** The region as `CHR:START-END`, 1-based inclusive (parseRegion's inverse). */
export function formatRegion(r: GenomicRegion): string {
  return `${r.chrom}:${r.start + 1}-${r.end}`;
}

/** The region's chromosome, checked to hold the whole region. */
export function regionChromosome(r: GenomicRegion, chromosomes: readonly Chromosome[], fasta: string): Chromosome {
  const chrom = chromosomes.find((c) => c.name === r.chrom);
  if (!chrom) throw new InputError('region_chromosome_unknown', `region ${formatRegion(r)}: ${fasta} has no sequence named ${r.chrom}`);
  if (r.end > chrom.length) throw new InputError('region_outside_chromosome', `region ${formatRegion(r)} ends past ${r.chrom}'s last base (${chrom.length} bp)`);
  return chrom;
}
