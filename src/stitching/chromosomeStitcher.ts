import type { TandemTracks } from '../regions/refineWithPeriod.js';
import type { Bins, Chromosome, SegmentGeometry } from '../genome.js';
import { binCount } from '../genome.js';
import type { SegmentOutput } from '../inference/engine.js';
import { coreOffsetBins, type Segment } from '../segmenting/segmenter.js';

/** Per-bin probabilities of one chromosome, one array per label. */
export interface StitchedChromosome {
  chrom: Chromosome;
  binBp: number;
  labels: readonly string[];
  probs: Float32Array[];
  /** The range head's three channels (see Manifest.output.ranges), when the model has one. */
  ranges?: Float32Array[];
  /** Raw per-bin tandem features, when region calling refines edges with them (Manifest.postprocess.refine_with_period). */
  tandem?: TandemTracks;
}

export type StitchMode = 'crop' | 'blend';

/**
 * Blend weight of window bin `i` of `bins`: a triangle peaking mid-window and falling to
 * near zero at both edges, where the model saw the least context.
 */
export function blendWeight(i: Bins, bins: Bins): number {
  return Math.min(i + 0.5, bins - i - 0.5);
}

/**
 * Reassembles a chromosome's per-bin probabilities from its segments, in any arrival order.
 * `crop` keeps each segment's core (exact when the receptive field fits in the context);
 * `blend` averages every overlapping prediction with `blendWeight`. Bins without a single
 * A/C/G/T base (assembly gaps) get probability 0: they are never called as regions.
 */
export class ChromosomeStitcher {
  private readonly nBins: Bins;
  private readonly probs: Float32Array[];
  private readonly ranges: Float32Array[] | undefined;
  private readonly weights: Float64Array | undefined;
  /** 1 for bins without a base; made when the first such bin arrives (most contigs have none). */
  private gap: Uint8Array | undefined;
  private remaining: number;
  /** A chromosome of one segment takes its output as it is: blending one input with itself only rounds. */
  private readonly mode: StitchMode;

  constructor(
    readonly chrom: Chromosome,
    readonly labels: readonly string[],
    private readonly geometry: SegmentGeometry,
    mode: StitchMode,
    segments: number,
    withRanges = false,
    /** StitchedChromosome.tandem, passed through. */
    private readonly tandem?: TandemTracks,
  ) {
    this.mode = segments === 1 ? 'crop' : mode;
    this.nBins = binCount(chrom.length, geometry.binBp);
    this.probs = labels.map(() => new Float32Array(this.nBins));
    this.ranges = withRanges ? [0, 1, 2].map(() => new Float32Array(this.nBins)) : undefined;
    this.weights = this.mode === 'blend' ? new Float64Array(this.nBins) : undefined;
    this.remaining = segments;
  }

  get complete(): boolean {
    return this.remaining === 0;
  }

  add(segment: Segment, out: SegmentOutput): void {
    if (this.mode === 'blend') {
      const first = segment.firstBin - coreOffsetBins(segment, this.geometry.binBp);
      for (let i = Math.max(0, -first); i < out.bins && first + i < this.nBins; i++) this.weights![first + i] += blendWeight(i, out.bins);
    }
    this.place(this.probs, out.probs, segment, out.bins);
    if (this.ranges && out.ranges) this.place(this.ranges, out.ranges, segment, out.bins);
    if (out.gapBins) {
      const core = coreOffsetBins(segment, this.geometry.binBp);
      for (let i = 0; i < segment.coreBins; i++) {
        if (out.gapBins[core + i]) (this.gap ??= new Uint8Array(this.nBins))[segment.firstBin + i] = 1;
      }
    }
    this.remaining--;
  }

  /** Channel c of `source` ([channels, bins] over the segment's input) into target[c]. */
  private place(target: Float32Array[], source: Float32Array, segment: Segment, bins: number): void {
    const core = coreOffsetBins(segment, this.geometry.binBp);
    if (this.mode === 'crop') {
      for (let c = 0; c < target.length; c++) {
        const t = target[c]!;
        const from = c * bins + core;
        // A packed scaffold's few bins by hand: a subarray view each cost more than the copy.
        if (segment.coreBins < 64) for (let i = 0; i < segment.coreBins; i++) t[segment.firstBin + i] = source[from + i]!;
        else t.set(source.subarray(from, from + segment.coreBins), segment.firstBin);
      }
      return;
    }
    const first = segment.firstBin - core;
    for (const [c, t] of target.entries()) {
      for (let i = Math.max(0, -first); i < bins && first + i < this.nBins; i++) t[first + i] += blendWeight(i, bins) * source[c * bins + i]!;
    }
  }

  finish(): StitchedChromosome {
    if (this.remaining !== 0) throw new Error(`${this.chrom.name}: ${this.remaining} segment(s) missing`);
    const gaps: number[] = [];
    if (this.gap) for (let b = this.gap.indexOf(1); b >= 0; b = this.gap.indexOf(1, b + 1)) gaps.push(b);
    for (const p of [...this.probs, ...(this.ranges ?? [])]) {
      if (this.weights) for (let b = 0; b < this.nBins; b++) p[b] = p[b]! / this.weights[b]!;
    }
    for (const p of this.probs) for (const b of gaps) p[b] = 0;
    return { chrom: this.chrom, binBp: this.geometry.binBp, labels: this.labels, probs: this.probs, ranges: this.ranges, tandem: this.tandem };
  }
}
