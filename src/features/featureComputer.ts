import { Piscina } from 'piscina';
import type { Bp, Chromosome } from '../genome.js';
import type { FastaPaths } from '../readers/fastaSource.js';
import type { FeatureResult, FeatureTask } from './featureWorker.js';

export interface ChromosomeFeatures {
  chrom: Chromosome;
  binBp: Bp;
  /** Eight per-bin arrays in FEATURE_NAMES order. */
  features: Float32Array[];
}

/**
 * Computes k-mer features chromosome by chromosome on worker threads. Each worker holds one
 * chromosome and a ~20-bytes-per-base workspace, so at most `workers` chromosomes are in
 * flight; results are yielded in FASTA order.
 */
export class FeatureComputer {
  private readonly pool: Piscina<FeatureTask, FeatureResult>;
  /** Chromosomes done and worker milliseconds spent on them, for benchmarks and metrics. */
  readonly stats = { chromosomes: 0, ms: 0 };

  constructor(readonly workers: number) {
    this.pool = new Piscina({
      filename: new URL('./featureWorker.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 5_000,
    });
  }

  async *chromosomes(fasta: FastaPaths, chromosomes: readonly Chromosome[], binBp: Bp): AsyncGenerator<ChromosomeFeatures> {
    const pending: Promise<ChromosomeFeatures>[] = [];
    let next = 0;
    const submit = () => {
      const chrom = chromosomes[next++]!;
      const p = this.pool.run({ fasta, chrom: chrom.name, binBp }).then(({ features, ms }) => {
        this.stats.chromosomes++;
        this.stats.ms += ms;
        return { chrom, binBp, features };
      });
      p.catch(() => undefined); // observed in order below
      pending.push(p);
    };
    while (next < chromosomes.length && pending.length < this.workers) submit();
    while (pending.length > 0) {
      const done = await pending.shift()!;
      if (next < chromosomes.length) submit();
      yield done;
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
