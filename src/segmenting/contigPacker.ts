import type { Bins, Chromosome, SegmentGeometry } from '../genome.js';
import { binCount } from '../genome.js';
import type { Segment } from './segmenter.js';

/**
 * One model input: the segments it carries. A chromosome's segment fills it alone; short
 * contigs share one, side by side, each segment's `inputStart` saying where its contig sits.
 */
export interface InputWindow {
  segments: Segment[];
}

/**
 * Whether `chrom` goes through a packed input: the model packs (geometry.packGapBins) and the
 * contig fits one segment's core, i.e. alone it would get one input that is mostly padding.
 */
export function isPackable(chrom: Chromosome, g: SegmentGeometry): boolean {
  return g.packGapBins !== undefined && chrom.length > 0 && chrom.length <= g.segmentBins * g.binBp;
}

/**
 * Packs short contigs, in the order given, into shared model inputs of the usual shape
 * (segment + 2 × context bins). Every contig starts on a bin boundary and has at least
 * `packGapBins` bins of padding (N, or 0 for tracks) on both sides, inside the input. A bin's
 * output depends on nothing farther than that (the model's declared receptive field), so each
 * contig's bins come out exactly as when the contig is alone in an input, padded as at a
 * chromosome end: the cost of a short contig is its own bins plus one gap, not a whole
 * segment.
 */
export class ContigPacker {
  private open: Segment[] = [];
  /** Input bin where the next contig may start. */
  private nextBin: Bins;
  private readonly inputBins: Bins;
  private readonly gapBins: Bins;

  constructor(private readonly g: SegmentGeometry) {
    if (g.packGapBins === undefined) throw new Error('ContigPacker: the model does not pack contigs');
    this.gapBins = g.packGapBins;
    this.inputBins = g.segmentBins + 2 * g.contextBins;
    this.nextBin = this.gapBins;
  }

  /**
   * Places a packable contig (isPackable) in the open input; when it does not fit there, the
   * open input is closed and returned, and the contig starts the next one.
   */
  add(chrom: Chromosome): { segment: Segment; closed?: InputWindow } {
    const bins = binCount(chrom.length, this.g.binBp);
    let closed: InputWindow | undefined;
    if (this.nextBin + bins + this.gapBins > this.inputBins) closed = this.flush();
    const at = this.nextBin;
    const inputStart = 0 - at * this.g.binBp; // not -0 when at is 0
    const segment: Segment = {
      chrom: chrom.name,
      index: 0,
      coreStart: 0,
      coreEnd: chrom.length,
      inputStart,
      inputEnd: inputStart + this.inputBins * this.g.binBp,
      firstBin: 0,
      coreBins: bins,
      singlePassStartBin: this.g.contextBins,
    };
    this.open.push(segment);
    this.nextBin = at + bins + this.gapBins;
    return { segment, closed };
  }

  /** Closes the open input (undefined when it holds nothing). */
  flush(): InputWindow | undefined {
    if (this.open.length === 0) return undefined;
    const window = { segments: this.open };
    this.open = [];
    this.nextBin = this.gapBins;
    return window;
  }
}
