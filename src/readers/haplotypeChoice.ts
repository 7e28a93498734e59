import { UsageError } from '../errors.js';

/**
 * Which allele of a sample's genotype (FORMAT/GT) a variety takes, with the names and the
 * behaviour of `bcftools consensus -H` so that a variety can be checked against it:
 *   1  the first allele of GT, whatever the phasing (a haploid GT gives its one allele);
 *   2  the second allele of GT (a haploid GT applies nothing);
 *   R  REF on heterozygous sites: a genotype carrying REF keeps REF, a hom-ALT applies ALT,
 *      a het of two ALTs takes the GT's last allele;
 *   A  ALT on heterozygous sites: the GT's last non-REF allele.
 * A missing allele ('.') where the choice looks keeps REF (1 and 2 look at one allele; R and
 * A at all of them): bcftools consensus skips such genotypes the same way. Rice lines are
 * mostly inbred, so on a real panel the choice only matters at the few residual hets.
 */
export type HaplotypeChoice = '1' | '2' | 'R' | 'A';

export const HAPLOTYPE_CHOICES: readonly HaplotypeChoice[] = ['1', '2', 'R', 'A'];
export const DEFAULT_HAPLOTYPE: HaplotypeChoice = '1';

export function parseHaplotypeChoice(value: string): HaplotypeChoice {
  const v = value.toUpperCase();
  if ((HAPLOTYPE_CHOICES as readonly string[]).includes(v)) return v as HaplotypeChoice;
  throw new UsageError(
    `--haplotype must be one of 1, 2, R, A (as bcftools consensus -H: 1/2 = first/second allele of GT, R = REF on hets, A = ALT on hets), not '${value}'`,
  );
}

/** The allele picked: an index into [REF, ...ALT], or MISSING (keep REF, counted as missing). */
export const MISSING = -1;

const SLASH = 0x2f;
const PIPE = 0x7c;
const DOT = 0x2e;
const COLON = 0x3a;

/**
 * The allele `choice` takes from the genotype str[start, end) (the GT field; anything after
 * a ':' is ignored). Allocates nothing: it is called once per sample per record.
 */
export function pickAllele(choice: HaplotypeChoice, str: string, start: number, end: number): number {
  // Alleles of the GT: walk them once, keeping what each choice needs.
  let first = MISSING;
  let second = MISSING;
  let count = 0;
  let anyMissing = false;
  let hasRef = false;
  let last = MISSING;
  let lastAlt = MISSING;
  let i = start;
  while (i < end) {
    const c = str.charCodeAt(i);
    if (c === COLON) break;
    let allele: number;
    if (c === DOT) {
      allele = MISSING;
      i++;
    } else {
      allele = 0;
      let digits = 0;
      while (i < end) {
        const d = str.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        allele = allele * 10 + d;
        digits++;
        i++;
      }
      if (digits === 0) return MISSING; // not a genotype: treated as missing
    }
    if (count === 0) first = allele;
    else if (count === 1) second = allele;
    count++;
    if (allele === MISSING) anyMissing = true;
    else {
      if (allele === 0) hasRef = true;
      else lastAlt = allele;
      last = allele;
    }
    const sep = i < end ? str.charCodeAt(i) : COLON;
    if (sep === SLASH || sep === PIPE) i++;
    else break;
  }
  if (count === 0) return MISSING;
  switch (choice) {
    case '1':
      return first;
    case '2':
      return count >= 2 ? second : MISSING;
    case 'R':
      if (anyMissing) return MISSING;
      return hasRef ? 0 : last;
    case 'A':
      if (anyMissing) return MISSING;
      return lastAlt === MISSING ? 0 : lastAlt;
  }
}

/** Whether the GT holds two different called alleles (for the variety's counts). */
export function isHeterozygous(str: string, start: number, end: number): boolean {
  let seen = -1;
  let allele = -1;
  for (let i = start; i <= end; i++) {
    const c = i < end ? str.charCodeAt(i) : COLON;
    if (c >= 48 && c <= 57) {
      allele = (allele < 0 ? 0 : allele * 10) + c - 48;
      continue;
    }
    if (allele >= 0) {
      if (seen < 0) seen = allele;
      else if (seen !== allele) return true;
    }
    allele = -1;
    if (c === COLON) break;
  }
  return false;
}
