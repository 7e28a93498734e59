import { extname } from 'node:path';
import type { Bp } from '../genome.js';
import type { InferenceEngine } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import { callRegions, type Region, type RegionParams } from '../regions/callRegions.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { compareRegions, formatBedLine } from '../writers/bed.js';
import { bedGraphLines, bedGraphTrackLine } from '../writers/bedGraph.js';
import type { GenomeInput } from './genomeInput.js';
import { predictChromosomes, type PredictOptions } from './predictChromosomes.js';

export interface OutputPaths {
  /** All labels' regions in one BED, name column = label. */
  bed: string;
  /** One bedGraph per label: this path for a single-label model, else `<stem>.<label><ext>`. */
  bedGraph?: string;
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

export function regionParams(model: LoadedModel, overrides: Partial<RegionParams> = {}): RegionParams {
  const p = model.manifest.postprocess;
  return {
    threshold: overrides.threshold ?? p.threshold,
    minRegionBp: overrides.minRegionBp ?? p.min_region_bp,
    mergeGapBp: overrides.mergeGapBp ?? p.merge_gap_bp,
    topN: overrides.topN ?? p.top_n,
    refineWithRanges: overrides.refineWithRanges ?? p.refine_with_ranges ?? false,
  };
}

/**
 * One genome through one model into BED (+ bedGraph) files, written atomically: on any
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
  const params = regionParams(model, options.regions);
  const files: AtomicFile[] = [];
  try {
    const bed = await AtomicFile.create(outputs.bed);
    files.push(bed);
    const graphs = outputs.bedGraph ? await Promise.all(bedGraphPaths(outputs.bedGraph, labels).map((p) => AtomicFile.create(p))) : [];
    files.push(...graphs);
    for (const [l, g] of graphs.entries()) await g.write(bedGraphTrackLine(model.key, labels[l]!));

    let regions = 0;
    let chromosomes = 0;
    let bases = 0;
    for await (const stitched of predictChromosomes(engine, model, input, options)) {
      const called: Region[] = labels.flatMap((_, l) => callRegions(stitched, l, params)).sort(compareRegions);
      if (called.length) await bed.write(called.map(formatBedLine).join(''));
      for (const [l, g] of graphs.entries()) {
        let chunk = '';
        for (const line of bedGraphLines(stitched, l)) {
          chunk += line;
          if (chunk.length > 1 << 16) {
            await g.write(chunk);
            chunk = '';
          }
        }
        if (chunk) await g.write(chunk);
      }
      regions += called.length;
      chromosomes++;
      bases += stitched.chrom.length;
    }
    for (const f of files) await f.commit();
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
    throw err;
  }
}
