/**
 * Piscina worker computing the features of one chromosome, or of a batch of short ones, from
 * the FASTA: the eight k-mer features, the tandem-period features (with the sampled periodic
 * 11-mers the family feature needs) and the position, as asked. Reads each chromosome itself
 * (no 40-Mb transfer), and keeps its workspaces and read buffer between tasks. Short
 * scaffolds come in batches: one task per 500-bp scaffold cost more in messages and thread
 * wake-ups than its features.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { openSequenceSource, type SequencePaths } from '../readers/openSequenceSource.js';
import type { SequenceSource } from '../readers/sequenceSource.js';
import { GenomeinferError, type ErrorKind } from '../errors.js';
import type { ComputedSource } from './featureSet.js';
import { packAnswers, packedBuffers, type FeatureAnswer } from './featureAnswers.js';
import { KmerWorkspace } from './kmerCounts.js';
import { FEATURE_NAMES, chromosomeFeatures } from './kmerFeatures.js';
import { POSITION_FEATURE_NAMES, endDistanceMb } from './positionFeatures.js';
import { TANDEM_FEATURE_NAMES, TandemWorkspace, tandemFeatures, type PeriodicKmers } from './tandemPeriod.js';
import { lowerThisThreadPriority } from '../inference/threadPriority.js';

// Throughput work: the main thread, which feeds and drains the workers, goes first (threadPriority.ts).
lowerThisThreadPriority();

/** A typed error (e.g. an InputError naming file and offset), carried as data: thrown across
 * the thread boundary it would arrive as a plain Error, and the HTTP layer would answer 500. */
export interface FeatureFailure {
  kind: ErrorKind;
  code: string;
  message: string;
}

export interface FeatureResult {
  /** Feature name → per-bin values. */
  features: Record<string, Float32Array>;
  /** The tandem scan's sampled periodic 11-mers, when `tandem` or `family` was asked. */
  periodic?: PeriodicKmers;
  /** Milliseconds the worker spent (reading + counting + binning). */
  ms: number;
}

export interface FeatureTask {
  fasta: SequencePaths;
  /** The chromosomes of this task, each answered on its own (FeatureAnswer). */
  chroms: string[];
  binBp: number;
  /** Which groups to compute (`family` means the tandem scan here; the genome-wide step is the caller's). */
  sources: ComputedSource[];
}

const kmerWorkspace = new KmerWorkspace();
let tandemWorkspace: TandemWorkspace | undefined;
let source: { key: string; fasta: Promise<SequenceSource> } | undefined;
let readBuffer = new ArrayBuffer(0);

/**
 * Room for n bases, reused across chromosomes: with 1/16 spare for line ends (lines of ≥ 16
 * bases) the FASTA reader reads in place, so a chromosome costs no fresh 40-MB arrays for
 * the garbage collector to catch up with.
 */
function basesBuffer(n: number): Uint8Array<ArrayBuffer> {
  const bytes = n + Math.ceil(n / 16) + 64;
  if (readBuffer.byteLength < bytes) readBuffer = new ArrayBuffer(bytes);
  return new Uint8Array(readBuffer, 0, n);
}

async function open(paths: SequencePaths): Promise<SequenceSource> {
  const key = JSON.stringify(paths);
  if (source?.key !== key) {
    const previous = source;
    source = { key, fasta: openSequenceSource(paths) };
    if (previous) void previous.fasta.then((f) => f.close(), () => undefined);
  }
  return source.fasta;
}

export default async function computeFeatures(task: FeatureTask) {
  const answers: FeatureAnswer[] = [];
  for (const chrom of task.chroms) {
    try {
      answers.push(await compute(task, chrom));
    } catch (err) {
      if (!(err instanceof GenomeinferError)) throw err;
      answers.push({ failure: { kind: err.kind, code: err.code, message: err.message } });
    }
  }
  const packed = packAnswers(answers);
  return move({
    get [transferableSymbol]() {
      return packedBuffers(packed);
    },
    get [valueSymbol]() {
      return packed;
    },
  } as never);
}

async function compute(task: FeatureTask, name: string): Promise<FeatureResult> {
  const started = performance.now();
  const fasta = await open(task.fasta);
  const chrom = fasta.chromosome(name);
  if (!chrom) throw new Error(`${task.fasta.fasta} has no sequence ${name}`);
  const bases = await fasta.read(chrom.name, 0, chrom.length, basesBuffer(chrom.length));
  const features: Record<string, Float32Array> = {};
  let periodic: PeriodicKmers | undefined;
  if (task.sources.includes('kmer')) {
    chromosomeFeatures(bases, task.binBp, kmerWorkspace).forEach((values, i) => (features[FEATURE_NAMES[i]!] = values));
  }
  if (task.sources.includes('tandem') || task.sources.includes('family')) {
    tandemWorkspace ??= new TandemWorkspace();
    const t = tandemFeatures(bases, task.binBp, tandemWorkspace);
    [t.nearFraction, t.period, t.periodShare].forEach((values, i) => (features[TANDEM_FEATURE_NAMES[i]!] = values));
    periodic = t.periodic;
  }
  if (task.sources.includes('position')) features[POSITION_FEATURE_NAMES[0]] = endDistanceMb(chrom.length, task.binBp);
  return { features, periodic, ms: performance.now() - started };
}
