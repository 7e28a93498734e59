import { rm } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Bp } from '../genome.js';
import type { InferenceEngine } from '../inference/engine.js';
import { labelThreshold } from '../models/manifest.js';
import type { LoadedModel } from '../models/repository.js';
import type { RegionParams } from '../regions/callRegions.js';
import { GenomeRegionCaller } from '../regions/genomeRegionCaller.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { formatBedLine } from '../writers/bed.js';
import { bedGraphTrackLine, stageBedGraph } from '../writers/bedGraph.js';
import { BigWigWriter } from '../writers/bigWigWriter.js';
import { GenomeinferError } from '../errors.js';
import type { GenomeInput } from './genomeInput.js';
import { predictChromosomes, type PredictOptions } from './predictChromosomes.js';

export interface OutputPaths {
  /** All labels' regions in one BED, name column = label. */
  bed: string;
  /** One bedGraph per label: this path for a single-label model, else `<stem>.<label><ext>`. */
  bedGraph?: string;
  /** Prefix of one bigWig per label, `<prefix>.<label>.bw` (see bigWigPaths). */
  bigWig?: string;
  /**
   * Prefix of one bigWig per label of this genome's probability minus `baseline`'s, bin by
   * bin (`<prefix>.<label>.delta.bw`, deltaBigWigPaths): a variety against the reference,
   * both in the reference's coordinates.
   */
  deltaBigWig?: { prefix: string; baseline: Baseline };
}

/** Per-bin probabilities of a genome, by chromosome (one array per label). */
export type Baseline = ReadonlyMap<string, readonly Float32Array[]>;

/** The delta bigWig path for each label: `<prefix>.<label>.delta.bw`. */
export function deltaBigWigPaths(prefix: string, labels: readonly string[]): string[] {
  return labels.map((l) => `${prefix}.${l}.delta.bw`);
}

/** An output being written: renamed into place by commit, removed by abort. */
interface PendingOutput {
  path: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface PredictionSummary {
  model: string;
  chromosomes: number;
  bases: Bp;
  regions: number;
  seconds: number;
  files: string[];
}

/** The bedGraph path for each label (see OutputPaths.bedGraph). */
export function bedGraphPaths(path: string, labels: readonly string[]): string[] {
  if (labels.length === 1) return [path];
  const ext = extname(path);
  const stem = ext ? path.slice(0, -ext.length) : path;
  return labels.map((l) => `${stem}.${l}${ext}`);
}

/** The bigWig path for each label: `<prefix>.<label>.bw`, whatever the number of labels. */
export function bigWigPaths(prefix: string, labels: readonly string[]): string[] {
  return labels.map((l) => `${prefix}.${l}.bw`);
}

/** values − baseline, bin by bin; the baseline must cover the same bins (same coordinates). */
function minus(values: Float32Array, baseline: Float32Array | undefined, chrom: string): Float32Array {
  if (!baseline || baseline.length !== values.length) {
    throw new GenomeinferError('input', 'delta_coordinates', `delta tracks: ${chrom} has ${values.length} bins here but ${baseline?.length ?? 'none'} in the reference; deltas need the variety in reference coordinates`);
  }
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! - baseline[i]!;
  return out;
}

/** Region calling for one label: the manifest's postprocess with the caller's overrides. */
export function regionParams(model: LoadedModel, label: string, overrides: Partial<RegionParams> = {}): RegionParams {
  const p = model.manifest.postprocess;
  const topN = overrides.topN ?? p.top_n;
  return {
    threshold: overrides.threshold ?? labelThreshold(p, label),
    minRegionBp: overrides.minRegionBp ?? p.min_region_bp,
    mergeGapBp: overrides.mergeGapBp ?? p.merge_gap_bp,
    topN,
    refineWithRanges: overrides.refineWithRanges ?? p.refine_with_ranges ?? false,
    fallbackThreshold: p.fallback_threshold,
    refineWithPeriod: p.refine_with_period
      ? {
          minShare: p.refine_with_period.min_share,
          periodTolerance: p.refine_with_period.period_tolerance,
          mergeGapBp: p.refine_with_period.merge_gap_bp,
          edgeShare: p.refine_with_period.edge_share,
          edgeTrimBp: p.refine_with_period.edge_trim_bp,
        }
      : undefined,
    // One call per chromosome only: `--top-n 0` (every region) must not be cut to one.
    chooseBySharedPeriod: (p.choose_by_shared_period ?? false) && topN === 1,
  };
}

/**
 * One genome through one model into BED (+ bedGraph, bigWig) files, written atomically: on any
 * error every output is removed and nothing is left half-written. The CLI, the server and
 * bulk runs all call this.
 */
export async function runPrediction(
  engine: InferenceEngine,
  model: LoadedModel,
  input: GenomeInput,
  outputs: OutputPaths,
  options: PredictOptions & { regions?: Partial<RegionParams> } = {},
): Promise<PredictionSummary> {
  const started = performance.now();
  const labels = model.manifest.labels;
  const params = labels.map((l) => regionParams(model, l, options.regions));
  const files: PendingOutput[] = [];
  const committed: string[] = [];
  try {
    const bed = await AtomicFile.create(outputs.bed);
    files.push(bed);
    const graphs = outputs.bedGraph ? await Promise.all(bedGraphPaths(outputs.bedGraph, labels).map((p) => AtomicFile.create(p))) : [];
    files.push(...graphs);
    for (const [l, g] of graphs.entries()) await g.write(bedGraphTrackLine(model.key, labels[l]!));
    // Every FASTA chromosome is declared (a genome browser matches them against the assembly);
    // zero-length ones, which are never predicted, simply have no data.
    const bigWigs: BigWigWriter[] = [];
    for (const path of outputs.bigWig ? bigWigPaths(outputs.bigWig, labels) : []) {
      const w = await BigWigWriter.create(path, input.outputChromosomes, { binBp: model.geometry.binBp });
      bigWigs.push(w);
      files.push({ path: w.path, commit: () => w.close(), abort: () => w.abort() });
    }

    const deltas: BigWigWriter[] = [];
    for (const path of outputs.deltaBigWig ? deltaBigWigPaths(outputs.deltaBigWig.prefix, labels) : []) {
      const w = await BigWigWriter.create(path, input.outputChromosomes, { binBp: model.geometry.binBp });
      deltas.push(w);
      files.push({ path: w.path, commit: () => w.close(), abort: () => w.abort() });
    }

    const caller = new GenomeRegionCaller(params);
    let regions = 0;
    let chromosomes = 0;
    let bases = 0;
    for await (const group of predictChromosomes(engine, model, input, options)) {
      // Every output of the group is gathered first and written once after it: per contig of
      // a 20,000-scaffold assembly, awaiting each file cost more than the contig's lines.
      for (const predicted of group) {
        const stitched = input.toOutput(predicted);
        const name = stitched.chrom.name;
        const called = caller.add(stitched);
        for (const r of called) bed.gather(formatBedLine(r));
        // Index loops: 20,000 scaffolds made a pair array per label and output with entries().
        for (let l = 0; l < graphs.length; l++) stageBedGraph(graphs[l]!, stitched, l);
        for (let l = 0; l < bigWigs.length; l++) bigWigs[l]!.gatherChromosome(name, stitched.probs[l]!);
        for (let l = 0; l < deltas.length; l++) deltas[l]!.gatherChromosome(name, minus(stitched.probs[l]!, outputs.deltaBigWig!.baseline.get(name)?.[l], name));
        regions += called.length;
        chromosomes++;
        bases += stitched.chrom.length;
      }
      await Promise.all([bed, ...graphs, ...bigWigs, ...deltas].map((f) => f.flush()));
    }
    const held = caller.finish();
    for (const r of held) bed.gather(formatBedLine(r));
    regions += held.length;
    // All at once: each commit ends in an fsync (the bigWigs of a 20,000-scaffold assembly are
    // a few MB each), and one after another they waited for each other (20,000 scaffolds:
    // 130 -> 90 ms). If any commit fails, the outputs already renamed into place are removed
    // again (see catch), once every commit has settled.
    const commits = await Promise.allSettled(
      files.map(async (f) => {
        await f.commit();
        committed.push(f.path);
      }),
    );
    const failed = commits.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      model: model.key,
      chromosomes,
      bases,
      regions,
      seconds: (performance.now() - started) / 1000,
      files: files.map((f) => f.path),
    };
  } catch (err) {
    await Promise.all(files.map((f) => f.abort()));
    await Promise.all(committed.map((p) => rm(p, { force: true })));
    throw err;
  }
}
