import { IndexedFastaSource, type FastaPaths } from './fastaSource.js';
import type { SequenceSource } from './sequenceSource.js';
import { VcfVarietySource, type VarietyPaths } from './vcfVarietySource.js';

/** A FASTA, or (with `variety`) the reference FASTA plus a VCF sample. */
export interface SequencePaths extends FastaPaths {
  variety?: VarietyPaths;
}

export function openSequenceSource(paths: SequencePaths): Promise<SequenceSource> {
  return paths.variety ? VcfVarietySource.open(paths, paths.variety) : IndexedFastaSource.open(paths);
}
