/** Units are carried in the names: `Bp` is a base-pair coordinate or length, `Bins` a bin count/index. */
export type Bp = number;
export type Bins = number;

export interface Chromosome {
  name: string;
  length: Bp;
}

/** Sequence-encoding geometry of a model, all in bins (bin_bp bases each). */
export interface SegmentGeometry {
  binBp: Bp;
  /** Bins of each segment's core (the part kept when cropping). */
  segmentBins: Bins;
  /** Bins of context on each side of the core. */
  contextBins: Bins;
  /**
   * Bins of padding kept between short contigs packed side by side into one model input
   * (src/segmenting/contigPacker.ts): the model's declared receptive field, in whole bins.
   * Absent when the model declares none, or one wider than its context, or blends: such a
   * model sees one contig per input, as before.
   */
  packGapBins?: Bins;
}

/** Total bases of a genome's chromosomes. */
export function genomeLength(chromosomes: readonly Chromosome[]): Bp {
  return chromosomes.reduce((sum, c) => sum + c.length, 0);
}

export function binCount(length: Bp, binBp: Bp): Bins {
  return Math.ceil(length / binBp);
}
