import { BigWigTrack } from '../readers/bigwigTrack.js';
import { IndexedFastaSource, type FastaPaths } from '../readers/fastaSource.js';
import type { LoadedModel } from '../models/repository.js';
import { InputError } from '../errors.js';
import { isComputedSource } from '../features/featureSet.js';

/** Everything one prediction reads: the genome and, for track models, one bigWig per track. */
export interface GenomeInput {
  fasta: IndexedFastaSource;
  /** Where the FASTA came from, for workers that read it themselves. */
  fastaPaths: FastaPaths;
  /** Track name → bigWig, for tracks read from files. */
  tracks: Map<string, BigWigTrack>;
  /** Names of the feature tracks to compute from the FASTA (src/features/featureSet.ts). */
  computedTracks: string[];
  /** Releases the open file descriptors. */
  close(): Promise<void>;
}

export interface GenomeInputPaths extends FastaPaths {
  /** Track name → bigWig path. */
  tracks?: Record<string, string>;
}

/** Opens and validates every input before any work starts (so nothing is half-written). */
export async function openGenomeInput(paths: GenomeInputPaths, model: LoadedModel): Promise<GenomeInput> {
  const fasta = await IndexedFastaSource.open(paths);
  try {
    return await openTracks(paths, model, fasta);
  } catch (err) {
    await fasta.close();
    throw err;
  }
}

async function openTracks(paths: GenomeInputPaths, model: LoadedModel, fasta: IndexedFastaSource): Promise<GenomeInput> {
  const given = paths.tracks ?? {};
  const specs = model.manifest.input.kind === 'tracks' ? model.manifest.input.tracks : [];
  const wanted = specs.map((t) => t.name);
  for (const name of Object.keys(given)) {
    if (!wanted.includes(name)) {
      const expects = wanted.length ? `expects tracks: ${wanted.join(', ')}` : 'takes no tracks (it reads the FASTA)';
      throw new InputError('track_unexpected', `model ${model.key} has no input track named ${name}; it ${expects}`);
    }
  }
  const tracks = new Map<string, BigWigTrack>();
  const computedTracks: string[] = [];
  for (const { name, source } of specs) {
    const path = given[name];
    if (path) tracks.set(name, await BigWigTrack.open(path, name, fasta.chromosomes, fasta.path));
    else if (isComputedSource(source)) computedTracks.push(name);
    else throw new InputError('track_missing', `model ${model.key} needs a bigWig for track ${name} (--track ${name}=FILE.bw)`);
  }
  const fastaPaths: FastaPaths = { fasta: paths.fasta, fai: paths.fai, gzi: paths.gzi };
  return { fasta, fastaPaths, tracks, computedTracks, close: () => fasta.close() };
}
