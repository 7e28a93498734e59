/** The options that make --fasta the reference of a variety given as a VCF sample (predict, effects). */
export const VARIETY_ARGS = {
  vcf: { type: 'string' },
  sample: { type: 'string' },
  haplotype: { type: 'string' },
  coords: { type: 'string' },
} as const;

export const VARIETY_HELP = `  --vcf FILE.vcf.gz     a variety as reference (--fasta) + bgzipped, indexed VCF (.tbi or .csi)
  --sample NAME         the VCF sample whose genotypes make the variety
  --haplotype 1|2|R|A   allele taken from each genotype, as bcftools consensus -H (default 1):
                        1/2 = first/second allele of GT, R = REF on hets, A = ALT on hets;
                        a missing allele keeps REF; symbolic alleles and breakends are
                        skipped, and so are sites overlapping one applied before (counted)
  --coords reference|variety  coordinates of the outputs (default reference: per-bin values
                        and regions projected back through the variety's indels, so
                        varieties line up bin by bin); variety keeps its own`;
