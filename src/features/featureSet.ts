import { FEATURE_NAMES } from './kmerFeatures.js';
import { POSITION_FEATURE_NAMES } from './positionFeatures.js';
import { FAMILY_FEATURE_NAMES } from './repeatFamily.js';
import { TANDEM_FEATURE_NAMES } from './tandemPeriod.js';

/**
 * Every per-bin feature the feature workers compute from the FASTA, by source (the manifest's
 * `input.tracks[].source`): seed 000's eight k-mer features, the tandem-period features, the
 * genome-wide family feature (needs every sequence's tandem scan first) and the position.
 */
export type ComputedSource = 'kmer' | 'tandem' | 'family' | 'position';

export const COMPUTED_FEATURES: Readonly<Record<ComputedSource, readonly string[]>> = {
  kmer: FEATURE_NAMES,
  tandem: TANDEM_FEATURE_NAMES,
  family: FAMILY_FEATURE_NAMES,
  position: POSITION_FEATURE_NAMES,
};

export const COMPUTED_SOURCES = Object.keys(COMPUTED_FEATURES) as ComputedSource[];

/** All of them, in the order `genomeinfer features` writes them. */
export const ALL_FEATURE_NAMES: readonly string[] = COMPUTED_SOURCES.flatMap((s) => COMPUTED_FEATURES[s]);

export function isComputedSource(source: string): source is ComputedSource {
  return Object.hasOwn(COMPUTED_FEATURES, source);
}

export function sourceOfFeature(name: string): ComputedSource | undefined {
  return COMPUTED_SOURCES.find((s) => COMPUTED_FEATURES[s].includes(name));
}
