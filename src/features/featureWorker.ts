/**
 * Piscina worker computing one chromosome's eight k-mer features. Reads the chromosome itself
 * (no 40-Mb transfer), and keeps its k-mer workspace between tasks.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { IndexedFastaSource, type FastaPaths } from '../readers/fastaSource.js';
import { KmerWorkspace } from './kmerCounts.js';
import { chromosomeFeatures } from './kmerFeatures.js';

export interface FeatureResult {
  features: Float32Array[];
  /** Milliseconds the worker spent (reading + counting + binning). */
  ms: number;
}

export interface FeatureTask {
  fasta: FastaPaths;
  chrom: string;
  binBp: number;
}

const workspace = new KmerWorkspace();
let source: { key: string; fasta: Promise<IndexedFastaSource> } | undefined;

async function open(paths: FastaPaths): Promise<IndexedFastaSource> {
  const key = JSON.stringify(paths);
  if (source?.key !== key) {
    const previous = source;
    source = { key, fasta: IndexedFastaSource.open(paths) };
    if (previous) void previous.fasta.then((f) => f.close(), () => undefined);
  }
  return source.fasta;
}

export default async function computeFeatures(task: FeatureTask) {
  const started = performance.now();
  const fasta = await open(task.fasta);
  const chrom = fasta.chromosome(task.chrom);
  if (!chrom) throw new Error(`${task.fasta.fasta} has no sequence ${task.chrom}`);
  const bases = await fasta.read(chrom.name, 0, chrom.length);
  const features = chromosomeFeatures(bases, task.binBp, workspace);
  const result: FeatureResult = { features, ms: performance.now() - started };
  return move({
    get [transferableSymbol]() {
      return features.map((f) => f.buffer);
    },
    get [valueSymbol]() {
      return result;
    },
  } as never);
}
