import { InputError } from '../errors.js';

/**
 * Prefixes that BED and bedGraph readers (bedtools, UCSC, our own `evaluate`) take for a
 * comment or a header line, so a data line of a sequence named so would be skipped.
 */
const READER_SKIPPED_PREFIXES = ['#', 'track', 'browser'];

/**
 * Checks the sequence names of an index: no name twice (samtools keeps only the first
 * record of a name, so the other would vanish), and none that BED readers would skip.
 */
export function checkSequenceNames(names: readonly string[], fasta: string, faiPath: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError(
        'fasta_duplicate_name',
        `${fasta}: sequence name ${name} appears twice (lines ${first + 1} and ${i + 1} of ${faiPath}); names must be unique, rename one of the records`,
      );
    }
    seen.set(name, i);
    const prefix = READER_SKIPPED_PREFIXES.find((p) => name.startsWith(p));
    if (prefix) throw unsafeName(name, prefix, fasta);
  });
}

function unsafeName(name: string, prefix: string, fasta: string): InputError {
  return new InputError(
    'fasta_name_unsafe',
    `${fasta}: sequence name ${name} starts with '${prefix}': BED and bedGraph readers (bedtools, genome browsers, genomeinfer evaluate) skip lines starting with '#', 'track' or 'browser' as comments or headers, so its regions would be lost; rename the sequence (e.g. to chr_${name.replace(/^#+/, '')}) and re-index`,
  );
}
