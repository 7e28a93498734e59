import type { Bins, Chromosome, SegmentGeometry } from '../genome.js';
import { binCount } from '../genome.js';
import type { SegmentOutput } from '../inference/engine.js';
import type { Segment } from '../segmenting/segmenter.js';

/** Per-bin probabilities of one chromosome, one array per label. */
export interface StitchedChromosome {
  chrom: Chromosome;
  binBp: number;
  labels: readonly string[];
  probs: Float32Array[];
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
  private readonly weights: Float64Array | undefined;
  private readonly gap: Uint8Array;
  private remaining: number;

  constructor(
    readonly chrom: Chromosome,
    readonly labels: readonly string[],
    private readonly geometry: SegmentGeometry,
    private readonly mode: StitchMode,
    segments: number,
  ) {
    this.nBins = binCount(chrom.length, geometry.binBp);
    this.probs = labels.map(() => new Float32Array(this.nBins));
    this.weights = mode === 'blend' ? new Float64Array(this.nBins) : undefined;
    this.gap = new Uint8Array(this.nBins);
    this.remaining = segments;
  }

  get complete(): boolean {
    return this.remaining === 0;
  }

  add(segment: Segment, out: SegmentOutput): void {
    const { contextBins } = this.geometry;
    const labels = this.labels.length;
    if (this.mode === 'crop') {
      for (let l = 0; l < labels; l++) {
        const from = l * out.bins + contextBins;
        this.probs[l]!.set(out.probs.subarray(from, from + segment.coreBins), segment.firstBin);
      }
    } else {
      const first = segment.firstBin - contextBins;
      for (let i = Math.max(0, -first); i < out.bins && first + i < this.nBins; i++) {
        const w = blendWeight(i, out.bins);
        this.weights![first + i] += w;
        for (let l = 0; l < labels; l++) this.probs[l]![first + i] += w * out.probs[l * out.bins + i]!;
      }
    }
    if (out.gapBins) this.gap.set(out.gapBins.subarray(0, segment.coreBins), segment.firstBin);
    this.remaining--;
  }

  finish(): StitchedChromosome {
    if (this.remaining !== 0) throw new Error(`${this.chrom.name}: ${this.remaining} segment(s) missing`);
    const gaps: number[] = [];
    for (let b = this.gap.indexOf(1); b >= 0; b = this.gap.indexOf(1, b + 1)) gaps.push(b);
    for (const p of this.probs) {
      if (this.weights) for (let b = 0; b < this.nBins; b++) p[b] = p[b]! / this.weights[b]!;
      for (const b of gaps) p[b] = 0;
    }
    return { chrom: this.chrom, binBp: this.geometry.binBp, labels: this.labels, probs: this.probs };
  }
}
