import type { Bp, Chromosome } from '../genome.js';
import { binLabels, binMeans } from './binLabels.js';
import { addConfusion, binaryMetrics, intervalIoU, rocAucOfGroups, type BinaryMetrics, type ConfusionCounts } from './metrics.js';
import { readBedGraphBins, type BedGraphBins } from './readBedGraph.js';
import { readBedIntervals, type BedIntervals } from './readIntervals.js';
import { genomeChromosomes, readGenomeLengths } from './readGenome.js';

export interface EvaluateOptions {
  truthPath: string;
  predPath: string;
  /** bedGraph of per-base probabilities, for ROC AUC. */
  probsPath?: string;
  /** .fai or name/length file: chromosome lengths and order. */
  genomePath?: string;
  binBp: Bp;
  /** Keep only BED lines whose name column equals this, in both BED files. */
  label?: string;
}

/**
 * Where chromosome lengths came from: the genome file; else the bedGraph's extent (a
 * prediction's bedGraph runs to each chromosome's end); else the largest end in the BEDs,
 * which leaves out the bins after the last interval.
 */
export type LengthSource = 'genome' | 'bedgraph' | 'intervals';

export interface ChromosomeEvaluation {
  name: string;
  length: Bp;
  /** Merged (overlapping and book-ended joined) intervals on this chromosome. */
  truthRegions: number;
  predRegions: number;
  /** Base-pair IoU of truth and prediction; null when both are empty. */
  iou: number | null;
}

export interface EvaluationReport {
  binBp: Bp;
  binCount: number;
  lengthsFrom: LengthSource;
  /** Bin-level metrics over all bins of all chromosomes; auc null without --probs. */
  bins: BinaryMetrics & { auc: number | null };
  chromosomes: ChromosomeEvaluation[];
  /** Mean of the per-chromosome IoUs over chromosomes with truth regions; null if none has. */
  meanChromosomeIoU: number | null;
  truthLines: { total: number; kept: number };
  predLines: { total: number; kept: number };
}

export async function evaluatePrediction(o: EvaluateOptions): Promise<EvaluationReport> {
  const genome = o.genomePath !== undefined ? await readGenomeLengths(o.genomePath) : undefined;
  const bedOptions = { label: o.label, genome, genomePath: o.genomePath };
  const truth = await readBedIntervals(o.truthPath, 'truth BED', bedOptions);
  const pred = await readBedIntervals(o.predPath, 'prediction BED', bedOptions);
  const probs = o.probsPath !== undefined ? await readBedGraphBins(o.probsPath, o.binBp, genome, o.genomePath) : undefined;

  const chromosomes = genome ? genomeChromosomes(genome) : inferChromosomes(truth, pred, probs);
  const counts: ConfusionCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const perChromosome: ChromosomeEvaluation[] = [];
  // Per-chromosome bin scores, kept (8 bytes a bin) because the AUC ranks all bins together.
  const scored: { scores: Float64Array; truth: Uint8Array }[] = [];
  let bins = 0;
  for (const { name, length } of chromosomes) {
    const t = truth.chromosomes.get(name) ?? [];
    const p = pred.chromosomes.get(name) ?? [];
    const truthBins = binLabels(t, length, o.binBp);
    addConfusion(counts, truthBins, binLabels(p, length, o.binBp));
    bins += truthBins.length;
    if (probs) {
      scored.push({ scores: binMeans(probs.get(name)?.sums, length, o.binBp), truth: truthBins });
      probs.delete(name); // its sums are no longer needed
    }
    perChromosome.push({ name, length, truthRegions: t.length, predRegions: p.length, iou: intervalIoU(t, p) });
  }

  const withTruth = perChromosome.filter((c) => c.truthRegions > 0);
  return {
    binBp: o.binBp,
    binCount: bins,
    lengthsFrom: genome ? 'genome' : probs ? 'bedgraph' : 'intervals',
    bins: { ...binaryMetrics(counts), auc: probs ? pooledAuc(scored, counts.tp + counts.fn, bins) : null },
    chromosomes: perChromosome,
    meanChromosomeIoU: withTruth.length === 0 ? null : withTruth.reduce((sum, c) => sum + c.iou!, 0) / withTruth.length,
    truthLines: { total: truth.lines, kept: truth.keptLines },
    predLines: { total: pred.lines, kept: pred.keptLines },
  };
}

/**
 * Without a genome file: chromosomes in first-seen order (truth, then prediction, then
 * bedGraph), each as long as the largest end any of them has there (the bedGraph's extent,
 * when given, unless a BED interval reaches further).
 */
function inferChromosomes(truth: BedIntervals, pred: BedIntervals, probs: Map<string, BedGraphBins> | undefined): Chromosome[] {
  const lengths = new Map<string, Bp>();
  const see = (name: string, end: Bp) => lengths.set(name, Math.max(lengths.get(name) ?? 0, end));
  for (const bed of [truth, pred]) for (const [name, list] of bed.chromosomes) see(name, list.at(-1)?.end ?? 0);
  for (const [name, c] of probs ?? []) see(name, c.extentBp);
  return [...lengths].map(([name, length]) => ({ name, length }));
}

/** ROC AUC over the bins of all chromosomes together. */
function pooledAuc(scored: { scores: Float64Array; truth: Uint8Array }[], positives: number, bins: number): number | null {
  const pos = new Float64Array(positives);
  const neg = new Float64Array(bins - positives);
  let p = 0;
  let n = 0;
  for (const { scores, truth } of scored) {
    for (let b = 0; b < scores.length; b++) {
      if (truth[b]) pos[p++] = scores[b]!;
      else neg[n++] = scores[b]!;
    }
  }
  return rocAucOfGroups(pos, neg);
}
