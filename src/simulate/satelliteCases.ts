import type { Bp } from '../genome.js';
import { round4, type Random } from './random.js';

/**
 * The centromere and decoy cases of `simulate --case`: the rows of issue 11's table, which
 * held-out genomes must span. `mixed` (the default) draws every parameter from the wide
 * ranges of real plant genomes, so cases combine; the others force one row and keep the rest
 * of the genome moderate, so that a result on that genome is about that row.
 *
 *   cento         clean rice CentO: 155-bp monomer, HORs with dimers, 1–6% per-copy divergence
 *   diverged      150–200-bp monomer, 8–15% per-copy divergence, no HOR
 *   rdna-decoy    5S rDNA arrays (500-bp unit, ~0.5% divergence, 0.3–0.7 Mb) on 1–3
 *                 chromosomes, each larger and more homogeneous than every centromere
 *   crr-rich      CRR retrotransposons make up 40–60% of every array
 *   long-monomer  300–400-bp monomer
 */
export const SATELLITE_CASES = ['mixed', 'cento', 'diverged', 'rdna-decoy', 'crr-rich', 'long-monomer'] as const;
export type SatelliteCase = (typeof SATELLITE_CASES)[number];

export function isSatelliteCase(name: string): name is SatelliteCase {
  return (SATELLITE_CASES as readonly string[]).includes(name);
}

/** The centromeric satellite of one genome (sizes at scale 1). */
export interface CentromereParams {
  case: SatelliteCase;
  /** Monomer length (rice CentO 155 bp, Arabidopsis CEN178, maize CentC 156; 100–400, rarely ~1 kb). */
  monomerBp: Bp;
  monomerGc: number;
  /**
   * Per-copy divergence: substitutions per base between a monomer copy and its chromosome's
   * monomer (what "per-copy divergence from the consensus" means in the issue).
   */
  copyDivergence: number;
  /**
   * Substitutions between the genome's monomer and each chromosome's own variant of it, so
   * copies are more alike within a chromosome than between chromosomes while the family
   * stays recognisable genome-wide.
   */
  chromosomeDivergence: number;
  /** Whether arrays are built of higher-order repeats; without, a plain monomer array. */
  hor: boolean;
  /** Monomers per HOR: each chromosome draws its HOR size in this range ([1, 1] without HOR). */
  horMonomers: [number, number];
  /** Chance that a chromosome's HOR is a dimer (2 monomers, ~310 bp in rice CentO). */
  dimerProbability: number;
  /** Substitutions between the monomer variants inside one HOR (0 without HOR). */
  monomerDivergence: number;
  /**
   * Substitutions per base between copies of the HOR (or of the monomer, without HOR); with
   * monomerDivergence it makes up copyDivergence: 1 − (1 − m)(1 − h) = copyDivergence.
   */
  horCopyDivergence: number;
  /** Indels per base between copies; synthesis caps it at 0.05 per unit copy. */
  horIndelRate: number;
  /** Copies at the array's edges are up to this much (relative) more diverged than at its centre. */
  edgeAging: number;
  /** Array length per chromosome is drawn log-uniformly in this range (T2T Nipponbare: 103 kb – 1.43 Mb). */
  arrayBp: [Bp, Bp];
  /** Mean length of a block of one orientation inside the array. */
  meanBlockBp: Bp;
  /** CRR insertions per 100 kb of array (every few tens of kb), at most a quarter of the array. */
  crrPer100Kb: number;
  /** CRR-rich arrays: each chromosome draws the CRR share of its array in this range (else null). */
  crrFraction: [number, number] | null;
}

/** A 5S or 45S rDNA locus: a genome-level choice (rice: one 45S NOR, on chr9; 5S near the chr11 centromere). */
export interface RdnaLocus {
  chromosome: string;
  /** Array length at scale 1 (capped at a tenth of the chromosome). */
  arrayBp: Bp;
}

export interface DecoyParams {
  /** TA352-like satellites near chromosome ends, each end with endProbability. */
  subtelomeric: { unitBp: Bp; gc: number; divergence: number; endProbability: number; arrayBp: [Bp, Bp] };
  /** 120-bp gene + spacer; placed next to the centromere with pericentromericProbability. */
  rDNA5S: { unitBp: Bp; geneBp: Bp; divergence: number; pericentromericProbability: number; loci: RdnaLocus[] };
  /** 18S–5.8S–25S genes + intergenic spacer carrying `subrepeats` copies of a subrepeatBp sub-repeat. */
  rDNA45S: { unitBp: Bp; subrepeatBp: Bp; subrepeats: number; divergence: number; terminalProbability: number; loci: RdnaLocus[] };
}

/** The few values the older simulator drew on the params stream and the cases keep. */
export interface LegacyDraws {
  monomerGc: number;
  arrayBp: [Bp, Bp];
  edgeAging: number;
  meanBlockBp: Bp;
  subtelomeric: { gc: number; divergence: number; endProbability: number };
}

const u = (random: Random, lo: number, hi: number) => round4(random.uniform(lo, hi));
const logU = (random: Random, lo: number, hi: number) => round4(random.logUniform(lo, hi));

/** Splits per-copy divergence d into HOR-internal (m) and between-HOR-copy (h) parts. */
function splitDivergence(d: number, hor: boolean, random: Random, horShare: [number, number] = [0.1, 0.3]): { monomerDivergence: number; horCopyDivergence: number } {
  if (!hor) return { monomerDivergence: 0, horCopyDivergence: d };
  // HOR copies are far more alike than the monomers inside a HOR: that is what makes it a HOR.
  const h = round4(d * random.uniform(...horShare));
  return { monomerDivergence: round4(1 - (1 - d) / (1 - h)), horCopyDivergence: h };
}

/** Draws `count` distinct chromosomes among `names`, in genome order. */
function pickChromosomes(names: readonly string[], count: number, random: Random): string[] {
  const pool = [...names];
  const picked: string[] = [];
  while (picked.length < Math.min(count, names.length)) picked.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
  return picked.sort((a, b) => names.indexOf(a) - names.indexOf(b));
}

/**
 * Draws the centromeric satellite and the decoys for a case. `candidates` are the chromosomes
 * rDNA loci may sit on: all twelve in `mixed` (so `--chromosomes N` stays a prefix of the full
 * genome), the chromosomes made with a forced case (so a small test genome still shows its row).
 */
export function drawSatellites(satelliteCase: SatelliteCase, legacy: LegacyDraws, candidates: readonly string[], random: Random): { centO: CentromereParams; decoys: DecoyParams } {
  const mixed = satelliteCase === 'mixed';
  // Monomer: forced cases other than long-monomer keep a typical 140–200 bp.
  let monomerBp: Bp;
  if (satelliteCase === 'cento') monomerBp = 155;
  else if (satelliteCase === 'diverged') monomerBp = random.int(150, 200);
  else if (satelliteCase === 'long-monomer') monomerBp = random.int(300, 400);
  else if (!mixed) monomerBp = random.int(140, 200);
  else monomerBp = random.chance(0.05) ? random.int(401, 1000) : random.chance(0.3) ? random.int(150, 185) : Math.round(random.logUniform(100, 400));

  const copyDivergence =
    satelliteCase === 'cento'
      ? u(random, 0.01, 0.06)
      : satelliteCase === 'diverged'
        ? u(random, 0.08, 0.15)
        : satelliteCase === 'rdna-decoy'
          ? u(random, 0.03, 0.08)
          : mixed
            ? logU(random, 0.01, 0.15)
            : logU(random, 0.01, 0.08);
  const hor = satelliteCase === 'cento' ? true : satelliteCase === 'diverged' ? false : random.chance(0.6);
  const horLo = hor ? random.int(2, satelliteCase === 'cento' ? 4 : 6) : 1;
  const horMonomers: [number, number] = [horLo, hor ? Math.min(6, horLo + random.int(0, 2)) : 1];
  const dimerProbability = !hor ? 0 : satelliteCase === 'cento' ? u(random, 0.3, 0.7) : u(random, 0, 0.5);
  // rdna-decoy: even whole HOR copies (≥ 1.2% apart) are less alike than the 5S units (~0.5%).
  const { monomerDivergence, horCopyDivergence } = splitDivergence(copyDivergence, hor, random, satelliteCase === 'rdna-decoy' ? [0.4, 0.6] : undefined);
  const crrRich = satelliteCase === 'crr-rich' || (mixed && random.chance(0.25));
  const crrFraction: [number, number] | null = crrRich ? [0.4, 0.6] : null;
  // rdna-decoy: centromeres smaller than any 5S array (0.3–0.7 Mb).
  const arrayBp: [Bp, Bp] = satelliteCase === 'rdna-decoy' ? [80_000, 250_000] : legacy.arrayBp;
  const centO: CentromereParams = {
    case: satelliteCase,
    monomerBp,
    monomerGc: legacy.monomerGc,
    copyDivergence,
    chromosomeDivergence: u(random, 0.02, 0.05),
    hor,
    horMonomers,
    dimerProbability,
    monomerDivergence,
    horCopyDivergence,
    // Indels shift the phase for a monomer's length; kept rare so the period stays clean.
    horIndelRate: round4(Math.min(horCopyDivergence * 0.05, 0.0008)),
    // Diverged arrays are diverged already; aged edges would leave them no satellite at all.
    edgeAging: satelliteCase === 'diverged' ? round4(legacy.edgeAging * 0.3) : legacy.edgeAging,
    arrayBp,
    meanBlockBp: legacy.meanBlockBp,
    crrPer100Kb: satelliteCase === 'cento' ? u(random, 1, 3) : u(random, 1, 4),
    crrFraction,
  };

  // Subtelomeric satellite: TA352 in rice; its own unit, never within 10 bp of the monomer or its dimer.
  let subtelomericUnitBp: Bp = 352;
  const clash = (x: Bp) => Math.abs(x - monomerBp) < 10 || Math.abs(x - 2 * monomerBp) < 10;
  if (satelliteCase !== 'cento' || clash(subtelomericUnitBp)) {
    do subtelomericUnitBp = random.chance(0.5) ? random.int(340, 365) : random.int(100, 400);
    while (clash(subtelomericUnitBp));
  }

  // 5S rDNA: one locus per genome in Oryza, or a few; 0.2–0.7 Mb arrays in Arabidopsis.
  const rdnaDecoy = satelliteCase === 'rdna-decoy';
  // Forced cases other than rdna-decoy keep one modest 5S locus, so they show their own row only.
  const fiveSLoci = rdnaDecoy ? random.int(1, 3) : !mixed ? 1 : [1, 2, 3, 4][random.weighted([0.5, 0.3, 0.12, 0.08])]!;
  const fiveSRange: [Bp, Bp] = rdnaDecoy ? [300_000, 700_000] : !mixed ? [20_000, 200_000] : [20_000, 700_000];
  const fiveS = pickChromosomes(candidates, fiveSLoci, random).map((chromosome) => ({ chromosome, arrayBp: Math.round(random.logUniform(...fiveSRange)) }));
  const fiveSDivergence = rdnaDecoy ? u(random, 0.004, 0.006) : logU(random, 0.005, Math.max(0.006, centO.copyDivergence));
  // 45S rDNA: one NOR (rice: the end of chr9's short arm), sometimes two; Mb-scale at full size.
  const nors = random.chance(0.75) ? 1 : 2;
  const fortyFiveS = pickChromosomes(candidates, nors, random).map((chromosome) => ({ chromosome, arrayBp: Math.round(random.logUniform(500_000, 3_000_000)) }));
  const fortyFiveSUnitBp = satelliteCase === 'cento' ? 7_900 : random.int(7_500, 10_500);
  return {
    centO,
    decoys: {
      subtelomeric: { unitBp: subtelomericUnitBp, ...legacy.subtelomeric, arrayBp: [5_000, 150_000] },
      rDNA5S: { unitBp: rdnaDecoy || satelliteCase === 'cento' ? 500 : random.int(450, 550), geneBp: 120, divergence: fiveSDivergence, pericentromericProbability: 0.6, loci: fiveS },
      rDNA45S: { unitBp: fortyFiveSUnitBp, subrepeatBp: 254, subrepeats: random.int(4, 8), divergence: u(random, 0.002, 0.02), terminalProbability: 0.9, loci: fortyFiveS },
    },
  };
}
