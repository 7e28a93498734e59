import type { Bp, Chromosome } from '../genome.js';

/**
 * Where a genome's bases come from: an indexed FASTA (readers/fastaSource.ts) or a variety
 * built from a reference and a VCF sample (readers/vcfVarietySource.ts). The pipeline reads
 * through this interface only, so downstream of the reader nothing knows the difference.
 */
export interface SequenceSource {
  /** What to name in messages (the FASTA path, or `VCF:sample on REF`). */
  readonly path: string;
  /** The sequences in file order, with their lengths in this source's own coordinates. */
  readonly chromosomes: readonly Chromosome[];
  chromosome(name: string): Chromosome | undefined;
  /**
   * Bases [start, end) of `chrom` as ASCII bytes (case kept), written into `out` at
   * `outOffset`. The range must lie inside the chromosome.
   */
  read(chrom: string, start: Bp, end: Bp, out?: Uint8Array, outOffset?: number): Promise<Uint8Array>;
  close(): Promise<void>;
}
