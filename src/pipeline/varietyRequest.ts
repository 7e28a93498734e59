import { UsageError } from '../errors.js';
import { parseHaplotypeChoice } from '../readers/haplotypeChoice.js';
import type { VarietyPaths } from '../readers/vcfVarietySource.js';
import type { OutputCoords } from './genomeInput.js';

/**
 * A variety asked for as a VCF sample (CLI options or HTTP job fields of the same names),
 * checked once for both callers: the sample is required with a VCF, the other fields only
 * apply with one, and coordinates are reference or variety.
 */
export function varietyArgs(args: { vcf?: string; sample?: string; haplotype?: string; coords?: string }): { variety?: VarietyPaths; coords?: OutputCoords } {
  if (!args.vcf) {
    for (const option of ['sample', 'haplotype', 'coords'] as const) {
      if (args[option] !== undefined) throw new UsageError(`--${option} applies to a variety given with --vcf`);
    }
    return {};
  }
  if (!args.sample) throw new UsageError('--vcf needs --sample NAME: the VCF sample whose genotypes make the variety (list them with: bcftools query -l FILE)');
  if (args.coords !== undefined && args.coords !== 'reference' && args.coords !== 'variety') {
    throw new UsageError(`--coords must be reference or variety, not '${args.coords}'`);
  }
  return {
    variety: { vcf: args.vcf, sample: args.sample, haplotype: args.haplotype === undefined ? undefined : parseHaplotypeChoice(args.haplotype) },
    coords: args.coords as OutputCoords | undefined,
  };
}
