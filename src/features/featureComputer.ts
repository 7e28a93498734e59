import { Piscina } from 'piscina';
import type { Bp, Chromosome } from '../genome.js';
import type { SequencePaths } from '../readers/openSequenceSource.js';
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
 * chromosome once. Each worker holds one chromosome and its workspaces (~14 bytes per base
 * of the largest chromosome it has had: 13 for the k-mer features, 1 for the bases; 16 MB
 * for the tandem scan), so at most `workers` chromosomes are in flight; results are yielded
 * in FASTA order. Without the family feature they stream as soon as they are next in that
 * order; with it, every chromosome's scan is gathered first (a few arrays per bin, not
 * sequence) and the family step runs before the first is yielded.
 */
export class FeatureComputer {
  private readonly pool: Piscina<FeatureTask, FeatureResult | { failure: FeatureFailure }>;
  /** Chromosomes done and worker milliseconds spent on them, for benchmarks and metrics. */
  readonly stats = { chromosomes: 0, ms: 0 };

  constructor(readonly workers: number) {
    this.pool = new Piscina({
      filename: new URL('./featureWorker.js', import.meta.url).href,
      // Idle threads retire after 5 s: their workspaces (~14 bytes per base of the largest
      // chromosome) would otherwise stay for the life of a server (issue 13).
      minThreads: 0,
      maxThreads: workers,
      idleTimeout: 5_000,
    });
  }

  async *chromosomes(fasta: SequencePaths, chromosomes: readonly Chromosome[], binBp: Bp, names: readonly string[]): AsyncGenerator<ChromosomeFeatures> {
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

  /**
   * Each chromosome's worker result, yielded in the order given. Chromosomes are started
   * largest first: a worker's workspaces are sized by the first chromosome it gets in a call
   * and then never regrow (a regrowth holds the old and the new workspace until GC, hundreds
   * of MB), so the `workers` largest chromosomes set the memory; longest-first also balances
   * the workers' loads. Chromosomes are started only while the consumer is waiting for one,
   * at most `workers` at a time; results that finish early wait (a few arrays per bin).
   */
  private async *scan(fasta: SequencePaths, chromosomes: readonly Chromosome[], binBp: Bp, sources: ComputedSource[]) {
    type Scanned = { chrom: Chromosome; result: FeatureResult };
    const largestFirst = [...chromosomes.keys()].sort((a, b) => chromosomes[b]!.length - chromosomes[a]!.length || a - b);
    const started = new Map<number, { scanned: Promise<Scanned>; settled: boolean }>();
    const running = new Set<Promise<void>>();
    let submitted = 0;
    const submit = () => {
      const index = largestFirst[submitted++]!;
      const chrom = chromosomes[index]!;
      const scanned = this.pool.run({ fasta, chrom: chrom.name, binBp, sources }).then((result) => {
        if ('failure' in result) throw typedError(result.failure);
        this.stats.chromosomes++;
        this.stats.ms += result.ms;
        return { chrom, result };
      });
      const entry = { scanned, settled: false };
      // Failures are observed in order below, when their chromosome's turn comes.
      const settling: Promise<void> = scanned.then(noop, noop).then(() => {
        entry.settled = true;
        running.delete(settling);
      });
      running.add(settling);
      started.set(index, entry);
    };
    for (let index = 0; index < chromosomes.length; index++) {
      for (;;) {
        while (submitted < chromosomes.length && running.size < this.workers) submit();
        if (started.get(index)?.settled) break;
        await Promise.race(running);
      }
      const { scanned } = started.get(index)!;
      started.delete(index);
      yield await scanned;
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

function noop(): void {}

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
