import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { genomeLength } from '../genome.js';
import type { InferenceEngine } from '../inference/engine.js';
import { modelRef, type LoadedModel } from '../models/repository.js';
import { openGenomeInput } from '../pipeline/genomeInput.js';
import type { Progress } from '../pipeline/predictChromosomes.js';
import { bigWigPaths, deltaBigWigPaths, runPrediction, type Baseline } from '../pipeline/runPrediction.js';
import type { SequenceSource } from '../readers/sequenceSource.js';
import { AtomicFile } from '../writers/atomicFile.js';
import type { ManifestEntry } from './manifest.js';
import { MARKER_FILE, partialDir, varietyDir, type MarkerModel, type VarietyMarker } from './varietyOutputs.js';

export interface VarietyRunOptions {
  /** genomeinfer's version, recorded in the marker. */
  toolVersion: string;
  signal?: AbortSignal;
  /** Bases done across this variety's models (each model reads the whole genome once). */
  onProgress?: (basesDone: number) => void;
  /** The variety's sequence, already open (a variety of a VCF group); closed here when done. */
  source?: SequenceSource;
  /** Model key → the reference's per-bin probabilities: VCF varieties also get delta bigWigs. */
  baselines?: ReadonlyMap<string, Baseline>;
}

/**
 * One variety through every model, into `DIR/.partial/<variety>/`, then its marker, then one
 * rename into `DIR/<variety>/`: the variety appears complete or not at all. Leftovers of an
 * interrupted attempt are removed first. Returns the marker written.
 */
export async function annotateVariety(
  engine: InferenceEngine,
  models: readonly LoadedModel[],
  entry: ManifestEntry,
  outDir: string,
  options: VarietyRunOptions,
): Promise<VarietyMarker> {
  const work = partialDir(outDir, entry.variety);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const markerModels: MarkerModel[] = [];
    let marker: Omit<VarietyMarker, 'models'> | undefined;
    let basesBefore = 0;
    for (const model of models) {
      const name = model.manifest.name;
      const input = await openGenomeInput(entry.paths, model, options.source);
      try {
        marker ??= {
          variety: entry.variety,
          genomeinfer: options.toolVersion,
          fasta: entry.paths.fasta,
          metadata: entry.metadata,
          // Outputs' coordinates: a variety from a VCF is written on the reference's chromosomes.
          chromosomes: input.outputChromosomes.map((c) => ({ name: c.name, length: c.length })),
          bases: genomeLength(input.fasta.chromosomes),
        };
        const labels = model.manifest.labels;
        // Deltas only where the variety is written in the reference's coordinates (a VCF variety).
        const baseline = entry.paths.variety ? options.baselines?.get(model.key) : undefined;
        const deltaBigWig = baseline ? { prefix: join(work, name), baseline } : undefined;
        await runPrediction(engine, model, input, { bed: join(work, `${name}.bed`), bigWig: join(work, name), deltaBigWig }, {
          signal: options.signal,
          onProgress: (p: Progress) => options.onProgress?.(basesBefore + p.basesDone),
        });
        markerModels.push({
          key: modelRef(model.manifest),
          name,
          version: model.manifest.version,
          labels: [...labels],
          bed: `${name}.bed`,
          bigwig: bigWigPaths(name, labels),
          ...(deltaBigWig ? { deltaBigwig: deltaBigWigPaths(name, labels) } : {}),
        });
        basesBefore += marker.bases;
      } finally {
        await input.close();
      }
    }
    const done: VarietyMarker = { ...marker!, models: markerModels };
    await AtomicFile.writeText(join(work, MARKER_FILE), `${JSON.stringify(done, null, 2)}\n`);
    await replaceDir(work, varietyDir(outDir, entry.variety));
    return done;
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  } finally {
    await options.source?.close();
  }
}

/**
 * Renames `from` to `to`. A finished directory already there (made with other models) is moved
 * aside first and removed after, since rename cannot replace a non-empty directory.
 */
async function replaceDir(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
  const old = join(dirname(from), `${basename(to)}.replaced`);
  await rm(old, { recursive: true, force: true });
  await rename(to, old);
  await rename(from, to);
  await rm(old, { recursive: true, force: true });
}
