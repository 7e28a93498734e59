import { Piscina } from 'piscina';
import type { Bp, Chromosome } from '../genome.js';
import type { FastaPaths } from '../readers/fastaSource.js';
import { COMPUTED_SOURCES, sourceOfFeature, type ComputedSource } from './featureSet.js';
import { GenomeinferError, InputError } from '../errors.js';
import type { FeatureFailure, FeatureResult, FeatureTask } from './featureWorker.js';
import { FAMILY_FEATURE_NAMES, familySharedFraction } from './repeatFamily.js';

export interface ChromosomeFeatures {
  chrom: Chromosome;
  binBp: Bp;
  /** Feature name → per-bin values, for the names asked. */
  features: Map<string, Float32Array>;
}

/**
 * Computes per-bin features chromosome by chromosome on worker threads, reading each
 * chromosome once. Each worker holds one chromosome and its workspaces (~20 bytes per base
 * for the k-mer features, 16 MB for the tandem scan), so at most `workers` chromosomes are in
 * flight; results are yielded in FASTA order. Without the family feature they stream as each
 * chromosome finishes; with it, every chromosome's scan is gathered first (a few arrays per
 * bin, not sequence) and the family step runs before the first is yielded.
 */
export class FeatureComputer {
  private readonly pool: Piscina<FeatureTask, FeatureResult | { failure: FeatureFailure }>;
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

  async *chromosomes(fasta: FastaPaths, chromosomes: readonly Chromosome[], binBp: Bp, names: readonly string[]): AsyncGenerator<ChromosomeFeatures> {
    const sources = sourcesFor(names);
    const scans = this.scan(fasta, chromosomes, binBp, sources);
    if (!sources.includes('family')) {
      for await (const { chrom, result } of scans) yield { chrom, binBp, features: pick(result.features, names) };
      return;
    }
    const done: { chrom: Chromosome; result: FeatureResult }[] = [];
    for await (const scanned of scans) done.push(scanned);
    const family = familySharedFraction(
      done.map((d) => d.result.periodic!),
      done.map((d) => Math.ceil(d.chrom.length / binBp)),
    );
    // Shifted out one by one: each chromosome's arrays then belong to the consumer alone.
    for (let scanned = done.shift(); scanned; scanned = done.shift()) {
      scanned.result.features[FAMILY_FEATURE_NAMES[0]] = family.shift()!;
      yield { chrom: scanned.chrom, binBp, features: pick(scanned.result.features, names) };
    }
  }

  private async *scan(fasta: FastaPaths, chromosomes: readonly Chromosome[], binBp: Bp, sources: ComputedSource[]) {
    const pending: Promise<{ chrom: Chromosome; result: FeatureResult }>[] = [];
    let next = 0;
    const submit = () => {
      const chrom = chromosomes[next++]!;
      const p = this.pool.run({ fasta, chrom: chrom.name, binBp, sources }).then((result) => {
        if ('failure' in result) throw typedError(result.failure);
        this.stats.chromosomes++;
        this.stats.ms += result.ms;
        return { chrom, result };
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

/** The worker's typed error, rebuilt on this side of the thread boundary. */
function typedError({ kind, code, message }: FeatureFailure): GenomeinferError {
  return kind === 'input' ? new InputError(code, message) : new GenomeinferError(kind, code, message);
}

/** The feature groups needed for `names`, in COMPUTED_SOURCES order. */
function sourcesFor(names: readonly string[]): ComputedSource[] {
  const wanted = new Set<ComputedSource>();
  for (const name of names) {
    const source = sourceOfFeature(name);
    if (!source) throw new Error(`no computed feature named ${name}`);
    wanted.add(source);
  }
  return COMPUTED_SOURCES.filter((s) => wanted.has(s));
}

function pick(features: Record<string, Float32Array>, names: readonly string[]): Map<string, Float32Array> {
  return new Map(names.map((n) => [n, features[n]!]));
}
