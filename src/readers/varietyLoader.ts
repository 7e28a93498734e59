import type { Variant } from '@gmod/vcf';
import type { Bp, Chromosome } from '../genome.js';
import { InputError } from '../errors.js';
import { MISSING, isHeterozygous, pickAllele, type HaplotypeChoice } from './haplotypeChoice.js';
import { IS_NUCLEOTIDE } from './nucleotideCodes.js';
import type { SequenceSource } from './sequenceSource.js';
import { EditsBuilder, type ChromosomeEdits } from './varietyEdits.js';
import type { VcfFile } from './vcfFile.js';

/** What happened to one variety's genotypes (summed over chromosomes). */
export interface VarietyCounts {
  /** VCF records read (each seen once per chromosome pass). */
  records: number;
  /** Records applied: SNPs (1 base → 1 base), indels (lengths differ), other (MNPs). */
  snps: number;
  indels: number;
  other: number;
  /** The chosen allele was symbolic (<DEL>, <INS>…), a breakend, '*' or '.': skipped. */
  symbolic: number;
  /** The site overlaps one already applied: skipped, as bcftools consensus does. */
  overlapping: number;
  /** The genotype has a missing allele where the haplotype choice looks: REF kept. */
  missing: number;
  /** Heterozygous genotypes seen (the haplotype choice decided them). */
  heterozygous: number;
}

export function emptyCounts(): VarietyCounts {
  return { records: 0, snps: 0, indels: 0, other: 0, symbolic: 0, overlapping: 0, missing: 0, heterozygous: 0 };
}

export function addCounts(into: VarietyCounts, from: VarietyCounts): void {
  for (const k of Object.keys(into) as (keyof VarietyCounts)[]) into[k] += from[k];
}

/** One sample of a group being read: its column and choice, and what it gathers. */
export interface SampleTarget {
  column: number;
  choice: HaplotypeChoice;
  counts: VarietyCounts;
}

/** Records are queried in windows of this many reference bases, so a record's lines are held a window at a time. */
export const RECORD_WINDOW_BP = 1 << 18;
/** Reference bases read at a time for the REF check. */
const REFERENCE_CHUNK_BP = 1 << 20;
const LOWER = 0x20;

/**
 * One pass over a chromosome's records builds the edits of every sample in `targets`: the
 * VCF is read once per chromosome for the whole group. Every record's REF is checked
 * against the reference (whatever the genotypes), positions must not decrease (an unsorted
 * file, or an index that belongs to another version of it), and ALT bases must be
 * nucleotide codes. Memory: one window of records, one reference chunk, and the edits.
 */
export async function loadChromosomeEdits(vcf: VcfFile, reference: SequenceSource, chrom: Chromosome, targets: readonly SampleTarget[]): Promise<ChromosomeEdits[]> {
  const builders = targets.map(() => new EditsBuilder(chrom));
  const refCursor = new ReferenceCursor(reference, chrom);
  let lastPos = -1;
  let lastRecord = '';
  /** ALT index → bytes to apply (lowercased like the reference base), or null when symbolic. */
  let alleles: (Uint8Array | null)[] = [];
  const picked = new Int32Array(targets.length);
  const hets = new Uint8Array(targets.length);
  // Sample column → first target reading it; further targets of the same column are chained.
  const byColumn = new Int32Array(vcf.samples.length).fill(-1);
  const nextSameColumn = new Int32Array(targets.length).fill(-1);
  for (let t = targets.length - 1; t >= 0; t--) {
    nextSameColumn[t] = byColumn[targets[t]!.column]!;
    byColumn[targets[t]!.column] = t;
  }
  const onRecord = (v: Variant) => {
    const pos0 = v.POS - 1;
    const where = `${chrom.name}:${v.POS}`;
    if (pos0 < lastPos) {
      throw new InputError(
        'vcf_unsorted',
        `${vcf.path} is not sorted: the record at ${where} comes after ${lastRecord} (or the index ${vcf.indexPath} belongs to another version of the file); sort and re-index it with: bcftools sort -Oz -o sorted.vcf.gz ${vcf.path} && bcftools index -t sorted.vcf.gz`,
      );
    }
    lastPos = pos0;
    lastRecord = where;
    const ref = v.REF ?? '';
    if (ref.length === 0) throw new InputError('vcf_record_invalid', `${vcf.path}: the record at ${where} has no REF allele`);
    const refBases = refCursor.get(pos0, ref.length, vcf.path, where);
    checkRefAllele(ref, refBases, vcf.path, reference.path, where);
    const lower = (refBases[0]! & LOWER) !== 0 && refBases[0]! >= 0x61;
    alleles = (v.ALT ?? []).map((alt) => altBytes(alt, lower, vcf.path, where));
    picked.fill(MISSING);
    hets.fill(0);
    // One scan of the sample columns serves the whole group.
    v.processGenotypes((str, s, e, column) => {
      for (let t = byColumn[column]!; t >= 0; t = nextSameColumn[t]!) {
        picked[t] = pickAllele(targets[t]!.choice, str, s, e);
        hets[t] = isHeterozygous(str, s, e) ? 1 : 0;
      }
    });
    for (const [t, target] of targets.entries()) {
      target.counts.records++;
      const allele = picked[t]!;
      if (hets[t]) target.counts.heterozygous++;
      if (allele === MISSING) {
        target.counts.missing++;
        continue;
      }
      if (allele === 0) continue;
      const bytes = alleles[allele - 1];
      if (!bytes) {
        if (allele > alleles.length) throw new InputError('vcf_record_invalid', `${vcf.path}: the genotype of sample ${vcf.samples[target.column]} at ${where} names allele ${allele}, but the record has ${alleles.length} ALT alleles`);
        target.counts.symbolic++;
        continue;
      }
      if (!builders[t]!.add(pos0, pos0 + ref.length, bytes)) {
        target.counts.overlapping++;
        continue;
      }
      if (bytes.length === ref.length) target.counts[ref.length === 1 ? 'snps' : 'other']++;
      else target.counts.indels++;
    }
  };
  for (let start = 0; start < chrom.length; start += RECORD_WINDOW_BP) {
    await refCursor.prefetch(start);
    await vcf.records(chrom.name, start, Math.min(chrom.length, start + RECORD_WINDOW_BP), onRecord);
  }
  return builders.map((b) => b.finish());
}

/** A record's REF against the reference bases at its position (case-insensitive, as bcftools compares). */
export function checkRefAllele(ref: string, refBases: Uint8Array, vcfPath: string, referencePath: string, where: string): void {
  for (let i = 0; i < ref.length; i++) {
    if ((refBases[i]! | LOWER) !== (ref.charCodeAt(i) | LOWER)) {
      const actual = String.fromCharCode(...refBases.subarray(0, Math.min(ref.length, 50)));
      throw new InputError(
        'vcf_ref_mismatch',
        `${vcfPath}: REF allele at ${where} is '${ref.slice(0, 50)}' but the reference ${referencePath} has '${actual}' there; was the VCF called against another reference?`,
      );
    }
  }
}

/** The bases to apply for an ALT allele, or null for one that is skipped (symbolic, breakend, '*', '.'). */
export function altBytes(alt: string, lower: boolean, path: string, where: string): Uint8Array | null {
  const c = alt.charCodeAt(0);
  if (alt.length === 0 || c === 0x3c /* < */ || c === 0x2a /* * */ || c === 0x2e /* . */ || alt.includes('[') || alt.includes(']')) return null;
  const bytes = new Uint8Array(alt.length);
  for (let i = 0; i < alt.length; i++) {
    const b = alt.charCodeAt(i);
    if (b > 0x7f || IS_NUCLEOTIDE[b] === 0) {
      throw new InputError('vcf_record_invalid', `${path}: ALT allele '${alt.slice(0, 50)}' at ${where} holds '${alt[i]}', which is no nucleotide code`);
    }
    // bcftools consensus writes an ALT in lowercase where the reference base is lowercase (soft-masked).
    bytes[i] = lower ? b | LOWER : b;
  }
  return bytes;
}

/**
 * Forward-only reference reads for the REF check: chunks of REFERENCE_CHUNK_BP, read one
 * window ahead of the records (reading is async, checking a record is not).
 */
class ReferenceCursor {
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart = 0;
  constructor(
    private readonly reference: SequenceSource,
    private readonly chrom: Chromosome,
  ) {}

  /** Makes [from, from + window + slack) available. */
  async prefetch(from: Bp): Promise<void> {
    const end = Math.min(this.chrom.length, from + RECORD_WINDOW_BP + REFERENCE_CHUNK_BP);
    if (from >= this.chunkStart && end <= this.chunkStart + this.chunk.length) return;
    this.chunkStart = from;
    this.chunk = await this.reference.read(this.chrom.name, from, end);
  }

  get(pos: Bp, length: Bp, path: string, where: string): Uint8Array {
    if (pos < 0 || pos + length > this.chrom.length) {
      throw new InputError('vcf_record_invalid', `${path}: the record at ${where} (REF of ${length} bases) lies outside ${this.chrom.name} (${this.chrom.length} bases in ${this.reference.path})`);
    }
    const at = pos - this.chunkStart;
    if (at < 0 || at + length > this.chunk.length) {
      throw new InputError('vcf_record_invalid', `${path}: the record at ${where} has a REF allele of ${length} bases, longer than genomeinfer reads at once (${REFERENCE_CHUNK_BP}); structural variants should be symbolic alleles`);
    }
    return this.chunk.subarray(at, at + length);
  }
}
