import { Piscina } from 'piscina';
import type { Bp, Chromosome } from '../genome.js';
import type { SequencePaths } from '../readers/openSequenceSource.js';
import { COMPUTED_SOURCES, sourceOfFeature, type ComputedSource } from './featureSet.js';
import { GenomeinferError, InputError } from '../errors.js';
import type { FeatureFailure, FeatureResult, FeatureTask } from './featureWorker.js';
import { unpackAnswer, type PackedAnswers } from './featureAnswers.js';
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
  private readonly pool: Piscina<FeatureTask, PackedAnswers>;
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
    const done: ({ chrom: Chromosome; result: FeatureResult } | undefined)[] = [];
    for await (const scanned of scans) done.push(scanned);
    const family: (Float32Array | undefined)[] = familySharedFraction(
      done.map((d) => d!.result.periodic!),
      done.map((d) => Math.ceil(d!.chrom.length / binBp)),
    );
    // Let go of one by one (not shift(): quadratic over 20,000 scaffolds): each chromosome's
    // arrays then belong to the consumer alone.
    for (let i = 0; i < done.length; i++) {
      const scanned = done[i]!;
      scanned.result.features[FAMILY_FEATURE_NAMES[0]] = family[i]!;
      done[i] = family[i] = undefined;
      yield { chrom: scanned.chrom, binBp, features: pick(scanned.result.features, names) };
    }
  }

  /**
   * Each chromosome's worker result, yielded in the order given. Chromosomes are started
   * largest first: a worker's workspaces are sized by the first chromosome it gets in a call
   * and then never regrow (a regrowth holds the old and the new workspace until GC, hundreds
   * of MB), so the `workers` largest chromosomes set the memory; longest-first also balances
   * the workers' loads. Chromosomes shorter than BATCH_BP go in tasks of several (tasks()).
   * Tasks are started only while the consumer is waiting for one of their chromosomes, at
   * most `workers` at a time; results that finish early wait (a few arrays per bin).
   */
  private async *scan(fasta: SequencePaths, chromosomes: readonly Chromosome[], binBp: Bp, sources: ComputedSource[]) {
    const tasks = featureTasks(chromosomes);
    /** Each chromosome's task, and its place among the task's answers. */
    const taskOf = new Int32Array(chromosomes.length);
    const placeOf = new Int32Array(chromosomes.length);
    tasks.forEach((t, k) => t.forEach((i, at) => ((taskOf[i] = k), (placeOf[i] = at))));
    type Started = { answers: Promise<PackedAnswers>; settled: boolean; left: number };
    const started = new Map<number, Started>();
    const running = new Set<Promise<void>>();
    let submitted = 0;
    const submit = () => {
      const k = submitted++;
      const indices = tasks[k]!;
      const answers = this.pool.run({ fasta, chroms: indices.map((i) => chromosomes[i]!.name), binBp, sources });
      const entry: Started = { answers, settled: false, left: indices.length };
      // Failures are observed in order below, when their chromosome's turn comes.
      const settling: Promise<void> = answers.then(noop, noop).then(() => {
        entry.settled = true;
        running.delete(settling);
      });
      running.add(settling);
      started.set(k, entry);
    };
    for (let index = 0; index < chromosomes.length; index++) {
      const k = taskOf[index]!;
      for (;;) {
        while (submitted < tasks.length && running.size < this.workers) submit();
        if (started.get(k)?.settled) break;
        await Promise.race(running);
      }
      const entry = started.get(k)!;
      if (--entry.left === 0) started.delete(k);
      const answer = unpackAnswer(await entry.answers, placeOf[index]!);
      if ('failure' in answer) throw typedError(answer.failure);
      this.stats.chromosomes++;
      this.stats.ms += answer.ms;
      yield { chrom: chromosomes[index]!, result: answer };
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

function noop(): void {}

/** Chromosomes shorter than this share worker tasks, up to about this many bases a task. */
const BATCH_BP = 256_000;

/**
 * The worker tasks, in the order they start: chromosome indices largest first, each chromosome
 * of at least BATCH_BP alone, shorter ones together up to BATCH_BP bases.
 */
export function featureTasks(chromosomes: readonly Chromosome[]): number[][] {
  const largestFirst = [...chromosomes.keys()].sort((a, b) => chromosomes[b]!.length - chromosomes[a]!.length || a - b);
  const tasks: number[][] = [];
  let batch: number[] = [];
  let batchBp = 0;
  for (const i of largestFirst) {
    const length = chromosomes[i]!.length;
    if (length >= BATCH_BP) {
      tasks.push([i]);
      continue;
    }
    batch.push(i);
    batchBp += length;
    if (batchBp >= BATCH_BP) {
      tasks.push(batch);
      batch = [];
      batchBp = 0;
    }
  }
  if (batch.length) tasks.push(batch);
  return tasks;
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
