import type { Bp, Chromosome } from '../genome.js';
import { InputError } from '../errors.js';
import { checkVcfContigs } from './contigNames.js';
import { IndexedFastaSource, type FastaPaths } from './fastaSource.js';
import { DEFAULT_HAPLOTYPE, type HaplotypeChoice } from './haplotypeChoice.js';
import type { SequenceSource } from './sequenceSource.js';
import { ChromosomeEdits } from './varietyEdits.js';
import { addCounts, emptyCounts, loadChromosomeEdits, type SampleTarget, type VarietyCounts } from './varietyLoader.js';
import { VcfFile } from './vcfFile.js';

/** A variety given as one sample of a VCF against the reference FASTA. */
export interface VarietyPaths {
  vcf: string;
  sample: string;
  /** Which allele of each genotype (see haplotypeChoice.ts); default '1'. */
  haplotype?: HaplotypeChoice;
}

/**
 * A variety's sequence built from the reference FASTA and one VCF sample, equal to
 * `bcftools consensus -f REF -s SAMPLE -H CHOICE` (readers/haplotypeChoice.ts). On open the
 * sample's edits are gathered for every chromosome (one pass over the VCF, everything
 * checked before any prediction starts); `read()` then builds any range on the fly from a
 * reference read and the edits inside it, so no consensus FASTA is ever written or held.
 * Chromosomes keep the reference's names and order, with the variety's lengths.
 */
export class VcfVarietySource implements SequenceSource {
  readonly path: string;
  readonly chromosomes: readonly Chromosome[];
  private readonly byName: Map<string, ChromosomeEdits>;

  private constructor(
    private readonly reference: IndexedFastaSource,
    readonly variety: Required<VarietyPaths>,
    edits: ChromosomeEdits[],
    /** What the sample's genotypes did, summed over chromosomes. */
    readonly counts: VarietyCounts,
    /** Reference sequences the VCF has no records on (kept as they are). */
    readonly withoutVariants: readonly string[],
  ) {
    this.path = `${variety.vcf} sample ${variety.sample} on ${reference.path}`;
    this.byName = new Map(edits.map((e) => [e.reference.name, e]));
    this.chromosomes = edits.map((e) => ({ name: e.reference.name, length: e.varietyLength }));
  }

  static async open(reference: FastaPaths, variety: VarietyPaths): Promise<VcfVarietySource> {
    const [source] = await VcfVarietySource.openGroup(reference, variety.vcf, [variety]);
    return source!;
  }

  /**
   * Several samples of one VCF, read in one pass per chromosome (see loadChromosomeEdits):
   * how a bulk run builds a group of varieties without reading the VCF once per variety.
   */
  static async openGroup(referencePaths: FastaPaths, vcfPath: string, varieties: readonly VarietyPaths[]): Promise<VcfVarietySource[]> {
    const vcf = await VcfFile.open(vcfPath);
    const targets: SampleTarget[] = varieties.map((v) => ({ column: vcf.sampleIndex(v.sample), choice: v.haplotype ?? DEFAULT_HAPLOTYPE, counts: emptyCounts() }));
    const opened: IndexedFastaSource[] = [];
    try {
      const reference = await IndexedFastaSource.open(referencePaths);
      opened.push(reference);
      const names = reference.chromosomes.map((c) => c.name);
      const withoutVariants = checkVcfContigs(vcf.contigs, names, vcf.path, reference.path);
      const perSample: ChromosomeEdits[][] = varieties.map(() => []);
      for (const chrom of reference.chromosomes) {
        const edits = withoutVariants.includes(chrom.name)
          ? varieties.map(() => ChromosomeEdits.none(chrom))
          : await loadChromosomeEdits(vcf, reference, chrom, targets);
        edits.forEach((e, i) => perSample[i]!.push(e));
      }
      const sources: VcfVarietySource[] = [];
      for (const [i, v] of varieties.entries()) {
        // Each variety reads through its own handle: sources are closed independently.
        const own = i === 0 ? reference : await IndexedFastaSource.open(referencePaths);
        if (i > 0) opened.push(own);
        const counts = emptyCounts();
        addCounts(counts, targets[i]!.counts);
        sources.push(new VcfVarietySource(own, { vcf: vcfPath, sample: v.sample, haplotype: v.haplotype ?? DEFAULT_HAPLOTYPE }, perSample[i]!, counts, withoutVariants));
      }
      return sources;
    } catch (err) {
      await Promise.all(opened.map((r) => r.close()));
      throw err;
    }
  }

  /** One line for logs: what the sample's genotypes did. */
  describe(): string {
    const c = this.counts;
    const none = this.withoutVariants.length ? `; no records on ${this.withoutVariants.join(', ')} (reference kept)` : '';
    return `variety ${this.variety.sample} from ${this.variety.vcf} (haplotype ${this.variety.haplotype}): ${c.snps} SNPs, ${c.indels} indels, ${c.other} other substitutions applied of ${c.records} records; skipped ${c.symbolic} symbolic/breakend, ${c.overlapping} overlapping; ${c.missing} missing genotypes kept REF; ${c.heterozygous} heterozygous${none}`;
  }

  chromosome(name: string): Chromosome | undefined {
    const e = this.byName.get(name);
    return e ? { name, length: e.varietyLength } : undefined;
  }

  /** The edits of a chromosome: the variety ↔ reference coordinate map. */
  edits(name: string): ChromosomeEdits {
    const e = this.byName.get(name);
    if (!e) throw new InputError('chromosome_unknown', `${this.path} has no sequence named ${name}`);
    return e;
  }

  get referenceChromosomes(): readonly Chromosome[] {
    return this.reference.chromosomes;
  }

  async close(): Promise<void> {
    await this.reference.close();
  }

  async read(chrom: string, start: Bp, end: Bp, out = new Uint8Array(end - start), outOffset = 0): Promise<Uint8Array> {
    const e = this.edits(chrom);
    if (start < 0 || end > e.varietyLength || start > end) throw new RangeError(`range ${chrom}:${start}-${end} outside 0-${e.varietyLength}`);
    if (end === start) return out;
    // Pieces of the range in order: reference runs and ALT runs. The reference runs lie in
    // increasing reference order, so one reference read covers them all.
    const first = e.firstEditEndingAfter(start);
    let refFrom = -1;
    let refTo = -1;
    const pieces: number[] = []; // triples: kind (0 ref, 1 alt), source offset, length
    let v = start;
    let i = first;
    while (v < end) {
      const vs = i < e.count ? e.varietyStart[i]! : Infinity;
      if (v >= vs) {
        const into = v - vs;
        const length = Math.min(e.altLength(i) - into, end - v);
        pieces.push(1, e.altOffset[i]! + into, length);
        v += length;
        i++;
        continue;
      }
      // Reference bases between edits: the shift is that of the edits before.
      const shift = i > 0 ? e.varietyStart[i - 1]! + e.altLength(i - 1) - e.refEnd[i - 1]! : 0;
      const refPos = v - shift;
      const length = Math.min(vs, end) - v;
      pieces.push(0, refPos, length);
      if (refFrom < 0) refFrom = refPos;
      refTo = refPos + length;
      v += length;
    }
    const ref = refFrom >= 0 ? await this.reference.read(chrom, refFrom, refTo) : new Uint8Array(0);
    let at = outOffset;
    for (let p = 0; p < pieces.length; p += 3) {
      const from = pieces[p + 1]!;
      const length = pieces[p + 2]!;
      if (pieces[p] === 0) out.set(ref.subarray(from - refFrom, from - refFrom + length), at);
      else out.set(e.alt.subarray(from, from + length), at);
      at += length;
    }
    return out;
  }
}
