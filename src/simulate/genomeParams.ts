import type { Bp } from '../genome.js';
import { Random, deriveSeed, round4 } from './random.js';
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
  centO: {
    /** Monomer length, 140–180 bp (rice CentO: 155 bp). Random sequence, fixed per genome. */
    monomerBp: Bp;
    monomerGc: number;
    /** Substitutions between the monomer variants inside one HOR. */
    monomerDivergence: number;
    /** Monomers per HOR: each chromosome draws its HOR size in this range. */
    horMonomers: [number, number];
    /** Substitutions per base between copies of a HOR (lower than monomerDivergence). */
    horCopyDivergence: number;
    /** Indels per base between HOR copies; synthesis caps it at 0.05 per HOR copy. */
    horIndelRate: number;
    edgeAging: number;
    /** Array length per chromosome is drawn log-uniformly in this range (rice: 65 kb – 2 Mb). */
    arrayBp: [Bp, Bp];
    /** Mean length of a block of one orientation inside the array. */
    meanBlockBp: Bp;
    /** CRR insertions per 100 kb of array (at least one per array at full size, at most 8). */
    crrPer100Kb: number;
  };
  transposons: {
    /** Fraction of free sequence covered by TE copies in the arms and at the centromere. */
    armCoverage: number;
    periCoverage: number;
    /** Half-width scale of the pericentromeric TE enrichment, drawn per chromosome. */
    pericentromereBp: [Bp, Bp];
    families: TeFamily[];
  };
  decoys: {
    subtelomeric: { unitBp: Bp; gc: number; divergence: number; endProbability: number; arrayBp: [Bp, Bp] };
    rDNA5S: { unitBp: Bp; divergence: number; chromosomeProbability: number; pericentromericProbability: number; arrayBp: [Bp, Bp] };
    rDNA45S: { unitBp: Bp; divergence: number; chromosomeProbability: number; terminalProbability: number; arrayBp: [Bp, Bp] };
  };
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

/** Stream labels for deriveSeed: one per purpose, so adding a draw to one leaves the others. */
export const STREAM = { params: 1, layout: 2, sequences: 3, chromosome: 4 } as const;

export function drawGenomeParams(seed: number): GenomeParams {
  const random = new Random(deriveSeed(seed, STREAM.params));
  const u = (lo: number, hi: number) => round4(random.uniform(lo, hi));
  const monomerBp = random.int(140, 180);
  const horLo = random.int(2, 6);
  const arrayLo = Math.round(random.logUniform(65_000, 400_000));
  const arrayHi = Math.round(random.logUniform(Math.max(arrayLo, 500_000), 2_000_000));
  const monomerDivergence = u(0.04, 0.15);
  // HOR copies are far more alike than the monomers inside a HOR: that is what makes it a HOR.
  const horCopyDivergence = round4(monomerDivergence * random.uniform(0.1, 0.3));
  let subtelomericUnitBp: Bp;
  // Its own unit length: never within 10 bp of the CentO monomer.
  do subtelomericUnitBp = random.int(100, 400);
  while (Math.abs(subtelomericUnitBp - monomerBp) < 10);
  return {
    background: { gc: u(0.425, 0.44), gcWindowSd: u(0.01, 0.03), cpgDepletion: u(0.3, 0.6) },
    centO: {
      monomerBp,
      monomerGc: u(0.35, 0.5),
      monomerDivergence,
      horMonomers: [horLo, horLo + random.int(0, 3)],
      horCopyDivergence,
      // Indels shift the phase for a monomer's length; kept rare so the period stays clean.
      horIndelRate: round4(Math.min(horCopyDivergence * 0.05, 0.0008)),
      edgeAging: u(0, 1),
      arrayBp: [arrayLo, arrayHi],
      meanBlockBp: Math.round(random.logUniform(100_000, 1_000_000)),
      crrPer100Kb: u(0.25, 0.75),
    },
    transposons: {
      armCoverage: u(0.2, 0.35),
      periCoverage: u(0.55, 0.8),
      pericentromereBp: [1_500_000, Math.round(random.uniform(2_500_000, 5_000_000))],
      families: drawTeFamilies(random),
    },
    decoys: {
      subtelomeric: { unitBp: subtelomericUnitBp, gc: u(0.35, 0.5), divergence: u(0.02, 0.1), endProbability: u(0.2, 0.8), arrayBp: [5_000, 150_000] },
      rDNA5S: { unitBp: random.int(450, 550), divergence: u(0.01, 0.05), chromosomeProbability: u(0.1, 0.4), pericentromericProbability: 0.6, arrayBp: [20_000, 400_000] },
      rDNA45S: { unitBp: random.int(8_000, 10_000), divergence: u(0.002, 0.02), chromosomeProbability: u(0.05, 0.25), terminalProbability: 0.7, arrayBp: [30_000, 300_000] },
    },
    gaps: { perMb: u(0.05, 0.3), unknownSizeFraction: u(0.1, 0.4), centromereFlankProbability: u(0.1, 0.5), lengthBp: [100, 50_000] },
  };
}
