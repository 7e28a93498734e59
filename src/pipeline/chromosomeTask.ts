import type { Bp, Chromosome } from '../genome.js';
import type { SegmentOutput } from '../inference/engine.js';
import type { Segment } from '../segmenting/segmenter.js';
import type { ChromosomeStitcher, StitchedChromosome } from '../stitching/chromosomeStitcher.js';
import type { ChromosomeDone } from './predictChromosomes.js';

/**
 * One chromosome in flight: its stitcher, and `done`, which settles once every one of its
 * segments is back (whichever inputs carried them, shared with other contigs or not) or one
 * of them failed.
 */
export class ChromosomeTask {
  /** Made when first asked for: most short contigs are taken already stitched (`stitched`), never awaited. */
  private promise: Promise<StitchedChromosome> | undefined;
  private resolve: ((s: StitchedChromosome) => void) | undefined;
  private reject: ((err: unknown) => void) | undefined;
  private settled = false;
  /** The stitched chromosome once stitched (undefined while pending, or when it failed). */
  private result: StitchedChromosome | undefined;
  private error: unknown;
  private segments = 0;
  /** Main-thread time spent stitching this chromosome. */
  private stitchMs = 0;

  constructor(
    readonly chrom: Chromosome,
    private readonly stitcher: ChromosomeStitcher,
    /** After each stitched segment, with the bases its core covered (progress). */
    private readonly onSegment: (task: ChromosomeTask, bases: Bp) => void,
    /** Once the chromosome is stitched (the server's per-chromosome metrics). */
    private readonly onChromosome?: (c: ChromosomeDone) => void,
  ) {}

  /** Settles once the chromosome is stitched, or rejects with what failed it. */
  get done(): Promise<StitchedChromosome> {
    if (!this.promise) {
      if (this.result) this.promise = Promise.resolve(this.result);
      else if (this.settled) this.promise = Promise.reject(this.error);
      else {
        this.promise = new Promise((resolve, reject) => {
          this.resolve = resolve;
          this.reject = reject;
        });
      }
    }
    return this.promise;
  }

  get complete(): boolean {
    return this.settled;
  }

  /** What `done` resolved to, known without awaiting it (undefined while pending, or when it failed). */
  get stitched(): StitchedChromosome | undefined {
    return this.result;
  }

  stitch(segment: Segment, out: SegmentOutput): void {
    if (this.settled) return;
    const t0 = performance.now();
    this.stitcher.add(segment, out);
    this.segments++;
    this.stitchMs += performance.now() - t0;
    if (this.stitcher.complete) {
      const t1 = performance.now();
      const stitched = this.stitcher.finish();
      this.stitchMs += performance.now() - t1;
      this.settled = true;
      this.result = stitched;
      this.onSegment(this, segment.coreEnd - segment.coreStart);
      this.onChromosome?.({ chrom: this.chrom.name, bases: this.chrom.length, segments: this.segments, stitchMs: this.stitchMs });
      this.resolve?.(stitched);
      return;
    }
    this.onSegment(this, segment.coreEnd - segment.coreStart);
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.error = err;
    this.reject?.(err);
  }
}
