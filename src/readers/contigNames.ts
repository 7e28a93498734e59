import { InputError } from '../errors.js';

/** 'Chr1', 'chr01', 'CHR_1' and '1' all come to '1': the name without a chr prefix or leading zeros. */
export function looseContigName(name: string): string {
  return name.replace(/^chr(omosome)?[_-]?/i, '').replace(/^0+(?=\w)/, '').toLowerCase();
}

/**
 * Checks a VCF's sequence names (those with records) against the reference FASTA's. A VCF
 * sequence the FASTA lacks is an error (its variants could not be applied); when only the
 * spelling differs (Chr1 vs chr01 vs 1) the message says exactly that and how to rename.
 * FASTA sequences without records are fine (no variants there: the reference is kept) and
 * returned so the caller can report them.
 */
export function checkVcfContigs(vcfContigs: readonly string[], fastaNames: readonly string[], vcfPath: string, fastaPath: string): string[] {
  const inFasta = new Set(fastaNames);
  const missing = vcfContigs.filter((c) => !inFasta.has(c));
  if (missing.length) {
    const byLoose = new Map(fastaNames.map((n) => [looseContigName(n), n]));
    const renames = missing.flatMap((c) => {
      const match = byLoose.get(looseContigName(c));
      return match ? [[c, match] as const] : [];
    });
    if (renames.length) {
      const shown = renames.slice(0, 3).map(([v, f]) => `'${v}' (VCF) vs '${f}' (FASTA)`).join(', ');
      throw new InputError(
        'vcf_contig_name_mismatch',
        `${vcfPath} and ${fastaPath} name the same chromosomes differently: ${shown}${renames.length > 3 ? `, and ${renames.length - 3} more` : ''}; the names must match exactly: rename the VCF's with bcftools annotate --rename-chrs MAP.txt -Oz -o renamed.vcf.gz ${vcfPath} (MAP.txt: one 'old new' pair per line)`,
      );
    }
    throw new InputError(
      'vcf_contig_unknown',
      `${vcfPath} has variants on ${missing.slice(0, 3).map((c) => `'${c}'`).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}, which ${fastaPath} does not have (${fastaNames.length} sequences: ${fastaNames.slice(0, 3).join(', ')}${fastaNames.length > 3 ? ', …' : ''}); is the VCF called against another reference?`,
    );
  }
  const inVcf = new Set(vcfContigs);
  return fastaNames.filter((n) => !inVcf.has(n));
}
