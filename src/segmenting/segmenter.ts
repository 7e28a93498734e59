import type { Bp, Bins, Chromosome, SegmentGeometry } from '../genome.js';
import { binCount } from '../genome.js';

/**
 * One model input window over a chromosome. The core [coreStart, coreEnd) is what the
 * segment contributes when cropping; the input adds `contextBins` on each side. Every
 * input has the same length (segment + 2 × context), so batches have one shape:
 * positions outside [0, chromosome length) are padding (N for sequence, 0 for tracks),
 * which is exactly what a single zero-padded pass over the whole chromosome would see.
 * A short contig packed with others (contigPacker.ts) is a segment whose core is the whole
 * contig, placed `coreOffsetBins` into an input it shares.
 */
export interface Segment {
  chrom: string;
  /** Index of this segment within its chromosome. */
  index: number;
  coreStart: Bp;
  /** Clipped to the chromosome's end. */
  coreEnd: Bp;
  /** Chromosome coordinate of the input's first position: coreStart − context; may be negative at the chromosome's start. */
  inputStart: Bp;
  /** inputStart + (segment + 2 × context) bins; may pass the chromosome's end. */
  inputEnd: Bp;
  /** Chromosome bin index of the core's first bin. */
  firstBin: Bins;
  /** Core bins inside the chromosome (the last segment's may be fewer than segmentBins). */
  coreBins: Bins;
  /**
   * A contig packed beside others (ContigPacker): where its first bin would sit in its own
   * single-pass input (the context, as the segmenter pads it). Layout tracks' positions.
   */
  singlePassStartBin?: Bins;
}

/** Where the segment's core starts within its model input, in bins. */
export function coreOffsetBins(segment: Segment, binBp: Bp): Bins {
  return (segment.coreStart - segment.inputStart) / binBp;
}

/**
 * Cuts a chromosome into consecutive cores of `segmentBins` bins. A chromosome shorter than
 * one segment gets a single, padded segment; a length that is not a multiple of the segment
 * (or of the bin) ends with a partial core whose last bin is short.
 */
export function planSegments(chrom: Chromosome, g: SegmentGeometry): Segment[] {
  const segmentBp = g.segmentBins * g.binBp;
  const contextBp = g.contextBins * g.binBp;
  const totalBins = binCount(chrom.length, g.binBp);
  const segments: Segment[] = [];
  for (let index = 0, coreStart = 0; coreStart < chrom.length; index++, coreStart += segmentBp) {
    const firstBin = index * g.segmentBins;
    segments.push({
      chrom: chrom.name,
      index,
      coreStart,
      coreEnd: Math.min(coreStart + segmentBp, chrom.length),
      inputStart: coreStart - contextBp,
      inputEnd: coreStart + segmentBp + contextBp,
      firstBin,
      coreBins: Math.min(g.segmentBins, totalBins - firstBin),
    });
  }
  return segments;
}
