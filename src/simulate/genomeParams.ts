import type { Bp } from '../genome.js';
import { Random, deriveSeed, round4 } from './random.js';
import { drawSatellites, type CentromereParams, type DecoyParams, type SatelliteCase } from './satelliteCases.js';
import type { BackgroundModel } from './sequenceSynth.js';
import { drawTeFamilies, type TeFamily } from './transposons.js';

/**
 * The per-genome settings of the rice-like simulator, drawn from the seed so that a model
 * trained on many simulated genomes cannot learn one monomer length, one divergence or one
 * array size. All sizes here are at scale 1 (full rice size); the layout applies --scale.
 * Written verbatim to params.json.
 */
export interface GenomeParams {
  background: BackgroundModel;
  /** The centromeric satellite (see satelliteCases.ts for the ranges per --case). */
  centO: CentromereParams;
  transposons: {
    /** Fraction of free sequence covered by TE copies in the arms and at the centromere. */
    armCoverage: number;
    periCoverage: number;
    /** Half-width scale of the pericentromeric TE enrichment, drawn per chromosome. */
    pericentromereBp: [Bp, Bp];
    families: TeFamily[];
  };
  decoys: DecoyParams;
  gaps: {
    /** Expected assembly gaps per Mb (at least one per chromosome is always placed). */
    perMb: number;
    /** Gaps of unknown size are written as exactly 100 N, as in IRGSP and GenBank AGPs. */
    unknownSizeFraction: number;
    /** Probability that a gap abuts the centromeric array (assemblies often break there). */
    centromereFlankProbability: number;
    lengthBp: [Bp, Bp];
  };
}

/**
 * Stream labels for deriveSeed: one per purpose, so adding a draw to one leaves the others.
 * `satellites` (the centromere and decoy draws of issue 11), `centromere` (each chromosome's
 * CRR layout) and `chromosomeMonomer` (each chromosome's monomer variant and HOR) came later.
 */
export const STREAM = { params: 1, layout: 2, sequences: 3, chromosome: 4, satellites: 5, centromere: 6, chromosomeMonomer: 7, decoyUnits: 8 } as const;

/** chr1…chr12, the chromosomes rDNA loci are drawn among in `mixed` genomes. */
const RICE_CHROMOSOME_NAMES = Array.from({ length: 12 }, (_, i) => `chr${i + 1}`);

/**
 * `chromosomeNames` are the chromosomes being made: with a forced --case, rDNA loci are drawn
 * among them (see drawSatellites).
 */
export function drawGenomeParams(seed: number, satelliteCase: SatelliteCase = 'mixed', chromosomeNames: readonly string[] = []): GenomeParams {
  // The params stream makes the same draws in the same order as before issue 11, so the
  // background, TE families and gaps of a seed are unchanged; the values it drew for the
  // satellites and decoys are superseded (kept where drawSatellites still uses them).
  const random = new Random(deriveSeed(seed, STREAM.params));
  const u = (lo: number, hi: number) => round4(random.uniform(lo, hi));
  const legacyMonomerBp = random.int(140, 180);
  random.int(2, 6); // the former HOR size
  const arrayLo = Math.round(random.logUniform(65_000, 400_000));
  const arrayHi = Math.round(random.logUniform(Math.max(arrayLo, 500_000), 2_000_000));
  u(0.04, 0.15); // the former monomer divergence
  random.uniform(0.1, 0.3); // the former HOR-copy divergence
  let legacySubtelomericBp: Bp;
  do legacySubtelomericBp = random.int(100, 400);
  while (Math.abs(legacySubtelomericBp - legacyMonomerBp) < 10);
  const background = { gc: u(0.425, 0.44), gcWindowSd: u(0.01, 0.03), cpgDepletion: u(0.3, 0.6) };
  const monomerGc = u(0.35, 0.5);
  random.int(0, 3); // the former HOR size range
  const edgeAging = u(0, 1);
  const meanBlockBp = Math.round(random.logUniform(100_000, 1_000_000));
  u(0.25, 0.75); // the former CRR density
  const transposons = {
    armCoverage: u(0.2, 0.35),
    periCoverage: u(0.55, 0.8),
    pericentromereBp: [1_500_000, Math.round(random.uniform(2_500_000, 5_000_000))] as [Bp, Bp],
    families: drawTeFamilies(random),
  };
  const subtelomeric = { gc: u(0.35, 0.5), divergence: u(0.02, 0.1), endProbability: u(0.2, 0.8) };
  // The former 5S and 45S draws, kept so the gap draws below stay where they were.
  random.int(450, 550);
  u(0.01, 0.05);
  u(0.1, 0.4);
  random.int(8_000, 10_000);
  u(0.002, 0.02);
  u(0.05, 0.25);
  const gaps = { perMb: u(0.05, 0.3), unknownSizeFraction: u(0.1, 0.4), centromereFlankProbability: u(0.1, 0.5), lengthBp: [100, 50_000] as [Bp, Bp] };

  const candidates = satelliteCase === 'mixed' || chromosomeNames.length === 0 ? RICE_CHROMOSOME_NAMES : chromosomeNames;
  const satellites = drawSatellites(satelliteCase, { monomerGc, arrayBp: [arrayLo, arrayHi], edgeAging, meanBlockBp, subtelomeric }, candidates, new Random(deriveSeed(seed, STREAM.satellites)));
  return { background, centO: satellites.centO, transposons, decoys: satellites.decoys, gaps };
}
