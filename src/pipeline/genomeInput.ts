import { BigWigTrack } from '../readers/bigwigTrack.js';
import type { Chromosome } from '../genome.js';
import { openSequenceSource, type SequencePaths } from '../readers/openSequenceSource.js';
import type { SequenceSource } from '../readers/sequenceSource.js';
import { VcfVarietySource } from '../readers/vcfVarietySource.js';
import { projectToReference } from '../stitching/projectToReference.js';
import type { StitchedChromosome } from '../stitching/chromosomeStitcher.js';
import type { LoadedModel } from '../models/repository.js';
import { InputError } from '../errors.js';
import { isComputedSource } from '../features/featureSet.js';

/**
 * Where a variety's outputs are written: `reference` (the default) projects per-bin values
 * and regions back through its indels so varieties line up bin by bin; `variety` keeps its
 * own coordinates. A FASTA genome has only its own.
 */
export type OutputCoords = 'reference' | 'variety';

/** Everything one prediction reads: the genome and, for track models, one bigWig per track. */
export interface GenomeInput {
  /** The genome's bases: a FASTA, or a variety built from reference + VCF. */
  fasta: SequenceSource;
  /** Where the sequence came from, for workers that read it themselves. */
  fastaPaths: SequencePaths;
  /** The chromosomes outputs are written in (the reference's when a variety is projected). */
  outputChromosomes: readonly Chromosome[];
  /** A stitched chromosome in output coordinates (identity unless a variety is projected). */
  toOutput(stitched: StitchedChromosome): StitchedChromosome;
  /** Track name → bigWig, for tracks read from files. */
  tracks: Map<string, BigWigTrack>;
  /** Names of the feature tracks to compute from the FASTA (src/features/featureSet.ts). */
  computedTracks: string[];
  /** Releases the open file descriptors. */
  close(): Promise<void>;
}

export interface GenomeInputPaths extends SequencePaths {
  /** For a variety from a VCF: which coordinates outputs are written in (default reference). */
  coords?: OutputCoords;
  /** Track name → bigWig path. */
  tracks?: Record<string, string>;
}

/**
 * Opens and validates every input before any work starts (so nothing is half-written).
 * `opened`: the genome's source when the caller already has it open (it then closes it too).
 */
export async function openGenomeInput(paths: GenomeInputPaths, model: LoadedModel, opened?: SequenceSource): Promise<GenomeInput> {
  // A source opened by the caller (a bulk run's variety from a shared VCF pass) stays the caller's to close.
  const fasta = opened ?? (await openSequenceSource(paths));
  try {
    const input = await openTracks(paths, model, fasta);
    return opened ? { ...input, close: async () => undefined } : input;
  } catch (err) {
    if (!opened) await fasta.close();
    throw err;
  }
}

async function openTracks(paths: GenomeInputPaths, model: LoadedModel, fasta: SequenceSource): Promise<GenomeInput> {
  const given = paths.tracks ?? {};
  const specs = model.manifest.input.kind === 'tracks' ? model.manifest.input.tracks : [];
  const wanted = specs.filter((t) => t.source !== 'layout').map((t) => t.name);
  for (const name of Object.keys(given)) {
    if (!wanted.includes(name)) {
      const expects = wanted.length ? `expects tracks: ${wanted.join(', ')}` : 'takes no tracks (it reads the FASTA)';
      throw new InputError('track_unexpected', `model ${model.key} has no input track named ${name}; it ${expects}`);
    }
  }
  const tracks = new Map<string, BigWigTrack>();
  const computedTracks: string[] = [];
  for (const { name, source } of specs) {
    if (source === 'layout') continue; // written by readWindow
    const path = given[name];
    if (path) tracks.set(name, await BigWigTrack.open(path, name, fasta.chromosomes, fasta.path));
    else if (isComputedSource(source)) computedTracks.push(name);
    else throw new InputError('track_missing', `model ${model.key} needs a bigWig for track ${name} (--track ${name}=FILE.bw)`);
  }
  const fastaPaths: SequencePaths = { fasta: paths.fasta, fai: paths.fai, gzi: paths.gzi, variety: paths.variety };
  const project = fasta instanceof VcfVarietySource && (paths.coords ?? 'reference') === 'reference' ? fasta : undefined;
  return {
    fasta,
    fastaPaths,
    outputChromosomes: project ? project.referenceChromosomes : fasta.chromosomes,
    toOutput: project ? (stitched) => projectToReference(stitched, project.edits(stitched.chrom.name)) : (stitched) => stitched,
    tracks,
    computedTracks,
    close: () => fasta.close(),
  };
}
