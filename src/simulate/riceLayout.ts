import type { Bp, Chromosome } from '../genome.js';
import { UsageError } from '../errors.js';
import { Random, deriveSeed, round4 } from './random.js';
import { STREAM, drawGenomeParams, type GenomeParams } from './genomeParams.js';
import type { ArrayBlock } from './satelliteArray.js';
import type { RdnaLocus, SatelliteCase } from './satelliteCases.js';
import { drawCopyDivergence, drawCopyShape, planTeCopies, type TeCopy, type TeFamily } from './transposons.js';

/**
 * Plans a rice-like genome: where each chromosome's centromeric array, decoy arrays, assembly
 * gaps and TE copies go, and their sizes, as numbers only. This plan is the truth the BEDs
 * are written from; chromosomeSynth then turns it into bases. Planning the full 373-Mb
 * genome takes about 0.1 s, which lets tests check full-size layouts cheaply.
 *
 * All intervals are 0-based, half-open.
 */

/** IRGSP-1.0 (Os-Nipponbare-Reference-IRGSP-1.0) pseudomolecule lengths. */
export const IRGSP_CHROMOSOMES: readonly Chromosome[] = [
  { name: 'chr1', length: 43_270_923 },
  { name: 'chr2', length: 35_937_250 },
  { name: 'chr3', length: 36_413_819 },
  { name: 'chr4', length: 35_502_694 },
  { name: 'chr5', length: 29_958_434 },
  { name: 'chr6', length: 31_248_787 },
  { name: 'chr7', length: 29_697_621 },
  { name: 'chr8', length: 28_443_022 },
  { name: 'chr9', length: 23_012_720 },
  { name: 'chr10', length: 23_207_287 },
  { name: 'chr11', length: 29_021_106 },
  { name: 'chr12', length: 27_531_856 },
];

/** Below this a chromosome cannot hold a centromere array, its flanks and a few decoys. */
export const MIN_CHROMOSOME_BP = 20_000;
/** Distance kept between planned features (arrays, gaps) that do not deliberately abut. */
const SPACING_BP = 200;
/** A centromeric array takes at most 1/4 of its chromosome (only binds on scaled genomes). */
const CENTROMERE_MAX_FRACTION = 4;
/** A decoy array takes at most 1/10 of its chromosome. */
const DECOY_MAX_FRACTION = 10;

export interface RiceOptions {
  seed: number;
  /**
   * Multiplies chromosome lengths, pericentromere widths and gap sizes; 0 < scale ≤ 1. Tandem
   * arrays (CentO and decoys) keep their real sizes, capped to fit the shorter chromosome: a
   * 13-kb "centromere" is smaller than one young TE copy and would teach a model nothing real.
   */
  scale: number;
  /** Keep the first N of the 12 chromosomes. */
  chromosomes: number;
  /** Which row of issue 11's table the genome must show (default `mixed`: drawn). */
  satelliteCase?: SatelliteCase;
}

/** The genome parameters for these options (the case's rDNA loci depend on the chromosomes made). */
export function riceParams(options: RiceOptions): GenomeParams {
  const names = IRGSP_CHROMOSOMES.slice(0, options.chromosomes).map((c) => c.name);
  return drawGenomeParams(options.seed, options.satelliteCase ?? 'mixed', names);
}

export type DecoyKind = 'subtelomeric_satellite' | 'rDNA_5S' | 'rDNA_45S';

export interface Interval {
  startBp: Bp;
  endBp: Bp;
}

export interface DecoyPlan extends Interval {
  kind: DecoyKind;
  unitBp: Bp;
  blocks: ArrayBlock[];
}

export interface CentromerePlan extends Interval {
  /** Where the array's middle was aimed, as a fraction of the chromosome. */
  centerFraction: number;
  /** Monomers per repeat unit: the HOR size, 1 for a plain monomer array. */
  horMonomers: number;
  blocks: ArrayBlock[];
  /** CRR insertions inside the array (family = the CRR family's index). */
  crrCopies: TeCopy[];
}

export interface ChromosomePlan {
  index: number;
  name: string;
  lengthBp: Bp;
  centromere: CentromerePlan;
  /** Scale of the pericentromeric TE enrichment around the array (Gaussian half-width). */
  pericentromereBp: Bp;
  decoys: DecoyPlan[];
  gaps: Interval[];
  /** Dispersed TE copies, sorted by start, outside every other feature. */
  teCopies: TeCopy[];
}

export interface GenomePlan {
  options: RiceOptions;
  params: GenomeParams;
  chromosomes: ChromosomePlan[];
}

export function checkRiceOptions(options: RiceOptions): void {
  const { seed, scale, chromosomes } = options;
  if (!Number.isInteger(seed) || seed < 1 || seed > 0xffffffff) throw new UsageError(`--seed must be an integer in 1…4294967295, not '${seed}'`);
  if (!Number.isInteger(chromosomes) || chromosomes < 1 || chromosomes > IRGSP_CHROMOSOMES.length) {
    throw new UsageError(`--chromosomes must be 1…${IRGSP_CHROMOSOMES.length} for the rice-like genome, not '${chromosomes}'`);
  }
  if (!(scale > 0 && scale <= 1)) throw new UsageError(`--scale must be in (0, 1], not '${scale}'`);
  for (const c of IRGSP_CHROMOSOMES.slice(0, chromosomes)) {
    if (Math.round(c.length * scale) < MIN_CHROMOSOME_BP) {
      throw new UsageError(`--scale ${scale} makes ${c.name} ${Math.round(c.length * scale)} bp; each chromosome needs at least ${MIN_CHROMOSOME_BP} bp`);
    }
  }
}

/** Planned intervals of one chromosome, for finding room for the next feature. */
class Occupancy {
  private readonly taken: Interval[] = [];
  constructor(private readonly lengthBp: Bp) {}

  isFree(startBp: Bp, endBp: Bp, spacingBp = SPACING_BP, except?: Interval): boolean {
    if (startBp < 0 || endBp > this.lengthBp || startBp >= endBp) return false;
    return this.taken.every((t) => t === except || endBp + spacingBp <= t.startBp || startBp >= t.endBp + spacingBp);
  }

  add<T extends Interval>(interval: T): T {
    this.taken.push(interval);
    return interval;
  }

  /** A random free place for lengthBp in [loBp, hiBp), or undefined after a few tries. */
  place(lengthBp: Bp, loBp: Bp, hiBp: Bp, random: Random): Interval | undefined {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (hiBp - loBp < lengthBp) return undefined;
      const startBp = random.int(loBp, hiBp - lengthBp);
      if (this.isFree(startBp, startBp + lengthBp)) return { startBp, endBp: startBp + lengthBp };
    }
    return undefined;
  }

  /** The stretches not taken, inside [0, lengthBp). */
  free(): Interval[] {
    const sorted = [...this.taken].sort((a, b) => a.startBp - b.startBp);
    const out: Interval[] = [];
    let at = 0;
    for (const t of sorted) {
      if (t.startBp > at) out.push({ startBp: at, endBp: t.startBp });
      at = Math.max(at, t.endBp);
    }
    if (at < this.lengthBp) out.push({ startBp: at, endBp: this.lengthBp });
    return out;
  }
}

function byStart(a: Interval, b: Interval): number {
  return a.startBp - b.startBp;
}

/** Splits [startBp, endBp) into 1–4 blocks of random orientation, none shorter than minBlockBp. */
function planBlocks(startBp: Bp, endBp: Bp, meanBlockBp: Bp, minBlockBp: Bp, random: Random): ArrayBlock[] {
  const n = Math.min(4, 1 + random.poisson((endBp - startBp) / meanBlockBp));
  const cuts = Array.from({ length: n - 1 }, () => random.int(startBp, endBp)).sort((a, b) => a - b);
  const edges = [startBp, ...cuts, endBp];
  const ok = edges.every((e, i) => i === 0 || e - edges[i - 1]! >= minBlockBp);
  const bounds = ok ? edges : [startBp, endBp];
  return bounds.slice(1).map((e, i) => ({ startBp: bounds[i]!, endBp: e, strand: random.chance(0.5) ? '+' : '-' }));
}

/**
 * A centromere array may not exceed a quarter of its chromosome; in the rdna-decoy case it
 * also stays below 0.8 × the smallest 5S array as planned, so every 5S array out-sizes every
 * centromere even on a scaled genome.
 */
function centromereCapBp(params: GenomeParams, options: RiceOptions, lengthBp: Bp): Bp {
  let cap = Math.floor(lengthBp / CENTROMERE_MAX_FRACTION);
  if (params.centO.case === 'rdna-decoy') {
    for (const locus of params.decoys.rDNA5S.loci) {
      const chromosome = IRGSP_CHROMOSOMES.find((c) => c.name === locus.chromosome)!;
      cap = Math.min(cap, Math.floor(0.8 * rdnaArrayBp(locus, params.decoys.rDNA5S.unitBp, Math.round(chromosome.length * options.scale))));
    }
  }
  return cap;
}

function planCentromere(params: GenomeParams, options: RiceOptions, index: number, lengthBp: Bp): CentromerePlan {
  // Its own stream: the centromere's draws do not shift the decoys', gaps' and TEs' (layout stream).
  const random = new Random(deriveSeed(options.seed, STREAM.centromere, index));
  const c = params.centO;
  const horMonomers = !c.hor ? 1 : random.chance(c.dimerProbability) ? 2 : random.int(...c.horMonomers);
  const horBp = horMonomers * c.monomerBp;
  const fullArrayBp = random.logUniform(...c.arrayBp);
  const minArrayBp = Math.max(20 * c.monomerBp, 3 * horBp);
  const arrayBp = Math.min(Math.max(minArrayBp, Math.round(fullArrayBp)), centromereCapBp(params, options, lengthBp));
  // Rice centromeres sit mostly 30–60% along; a few chromosomes (chr4, chr9) are nearer an end.
  const centerFraction = round4(random.chance(0.85) ? random.uniform(0.3, 0.6) : random.uniform(0.1, 0.3));
  const lo = Math.floor(lengthBp * 0.05);
  const startBp = Math.min(Math.max(lo, Math.round(centerFraction * lengthBp - arrayBp / 2)), lengthBp - lo - arrayBp);
  const endBp = startBp + arrayBp;
  const blocks = planBlocks(startBp, endBp, c.meanBlockBp, 2 * horBp, random);
  const crr = params.transposons.families.findIndex((f) => f.teClass === 'CRR');
  const crrCopies = planCrrCopies(params, crr, { startBp, endBp }, horBp, random);
  return { startBp, endBp, centerFraction, horMonomers, blocks, crrCopies };
}

/** Satellite kept at each end of an array: CRR never sits at its edge, where the array must read as satellite. */
function arrayEdgeBp(arrayBp: Bp, horBp: Bp): Bp {
  return Math.max(2 * horBp, Math.min(5_000, Math.floor(0.05 * arrayBp)));
}

/**
 * CRR retrotransposons inside the array. Normally about crrPer100Kb copies per 100 kb (every
 * few tens of kb), at most a quarter of the array; in CRR-rich arrays, copies until CRR makes
 * up a share of the array drawn in crrFraction (rice chr8: only ~63 kb of its 142 kb is CentO).
 * The satellite between copies is cut at random, each stretch at least one HOR.
 */
function planCrrCopies(params: GenomeParams, crr: number, array: Interval, horBp: Bp, random: Random): TeCopy[] {
  const c = params.centO;
  const family = params.transposons.families[crr]!;
  const arrayBp = array.endBp - array.startBp;
  const edgeBp = arrayEdgeBp(arrayBp, horBp);
  const satelliteNeeded = (copies: number) => 2 * edgeBp + Math.max(0, copies - 1) * horBp;
  const shapes: { templateStartBp: Bp; lengthBp: Bp }[] = [];
  let crrBp = 0;
  if (c.crrFraction) {
    const targetBp = Math.ceil(random.uniform(...c.crrFraction) * arrayBp);
    while (crrBp < targetBp) {
      const shape = drawCopyShape(family, random);
      if (crrBp + shape.lengthBp + satelliteNeeded(shapes.length + 1) > arrayBp) {
        // Too long to fit: a fragment that makes up the rest, if anything fits.
        const fitBp = Math.min(family.consensusBp, targetBp - crrBp, arrayBp - crrBp - satelliteNeeded(shapes.length + 1));
        if (fitBp >= 50) {
          shapes.push(fragment(family, fitBp, random));
          crrBp += fitBp;
        }
        break;
      }
      shapes.push(shape);
      crrBp += shape.lengthBp;
    }
  } else {
    const wanted = Math.max(1, Math.round((arrayBp / 100_000) * c.crrPer100Kb));
    for (let i = 0; i < wanted; i++) {
      const shape = drawCopyShape(family, random);
      // Arrays capped on a small chromosome keep CRR to a quarter of their length so the satellite still dominates.
      if (crrBp + shape.lengthBp > 0.25 * arrayBp || crrBp + shape.lengthBp + satelliteNeeded(shapes.length + 1) > arrayBp) continue;
      shapes.push(shape);
      crrBp += shape.lengthBp;
    }
  }
  // Split the satellite among the stretches around the copies: the minimum each, the rest at random.
  const stretches = shapes.length + 1;
  const weights = Array.from({ length: stretches }, () => random.exponential(1));
  const total = weights.reduce((a, b) => a + b, 0);
  const extraBp = arrayBp - crrBp - satelliteNeeded(shapes.length);
  const satelliteBp = weights.map((w, i) => (i === 0 || i === stretches - 1 ? edgeBp : horBp) + Math.floor((extraBp * w) / total));
  const copies: TeCopy[] = [];
  let at = array.startBp + satelliteBp[0]!;
  shapes.forEach((shape, i) => {
    copies.push({ family: crr, startBp: at, ...shape, strand: random.chance(0.5) ? '+' : '-', divergence: drawCopyDivergence(family, random) });
    at += shape.lengthBp + satelliteBp[i + 1]!;
  });
  return copies;
}

function fragment(family: TeFamily, lengthBp: Bp, random: Random): { templateStartBp: Bp; lengthBp: Bp } {
  return { templateStartBp: random.int(0, family.consensusBp - lengthBp), lengthBp };
}

/** Real size (not scaled), at most a tenth of the chromosome, never fewer than 5 units. */
function arraySize(unitBp: Bp, range: [Bp, Bp], lengthBp: Bp, random: Random): Bp {
  return Math.max(5 * unitBp, Math.min(Math.round(random.logUniform(...range)), Math.floor(lengthBp / DECOY_MAX_FRACTION)));
}

/** An rDNA locus's array on a chromosome of lengthBp: its real size, capped as every decoy is. */
export function rdnaArrayBp(locus: RdnaLocus, unitBp: Bp, lengthBp: Bp): Bp {
  return Math.max(5 * unitBp, Math.min(locus.arrayBp, Math.floor(lengthBp / DECOY_MAX_FRACTION)));
}

function decoy(kind: DecoyKind, at: Interval, unitBp: Bp, random: Random): DecoyPlan {
  return { kind, ...at, unitBp, blocks: [{ ...at, strand: random.chance(0.5) ? '+' : '-' }] };
}

function planDecoys(params: GenomeParams, name: string, lengthBp: Bp, scale: number, cen: CentromerePlan, periBp: Bp, taken: Occupancy, random: Random): DecoyPlan[] {
  const { subtelomeric, rDNA5S, rDNA45S } = params.decoys;
  const decoys: DecoyPlan[] = [];
  const ends: (Interval | undefined)[] = [undefined, undefined];
  for (const side of [0, 1]) {
    if (!random.chance(subtelomeric.endProbability)) continue;
    const size = arraySize(subtelomeric.unitBp, subtelomeric.arrayBp, lengthBp, random);
    const offset = Math.round(random.uniform(0, 30_000) * scale);
    const at = side === 0 ? { startBp: offset, endBp: offset + size } : { startBp: lengthBp - offset - size, endBp: lengthBp - offset };
    const planned = decoy('subtelomeric_satellite', at, subtelomeric.unitBp, random);
    if (taken.isFree(at.startBp, at.endBp)) decoys.push((ends[side] = taken.add(planned)));
  }
  const nor = rDNA45S.loci.find((l) => l.chromosome === name);
  if (nor) {
    // Rice's NOR is terminal (end of chr9's short arm): usually just inside the subtelomeric array.
    const size = rdnaArrayBp(nor, rDNA45S.unitBp, lengthBp);
    let at: Interval | undefined;
    if (random.chance(rDNA45S.terminalProbability)) {
      const side = random.chance(0.7) ? 0 : 1;
      const edge = ends[side];
      const startBp = side === 0 ? (edge ? edge.endBp + SPACING_BP : 0) : (edge ? edge.startBp - SPACING_BP : lengthBp) - size;
      if (taken.isFree(startBp, startBp + size)) at = { startBp, endBp: startBp + size };
    }
    at ??= taken.place(size, 0, lengthBp, random);
    if (at) decoys.push(taken.add(decoy('rDNA_45S', at, rDNA45S.unitBp, random)));
  }
  const fiveS = rDNA5S.loci.find((l) => l.chromosome === name);
  if (fiveS) {
    // Rice's 5S rDNA lies near the chr11 centromere: a decoy right next to the real thing.
    const size = rdnaArrayBp(fiveS, rDNA5S.unitBp, lengthBp);
    let at: Interval | undefined;
    if (random.chance(rDNA5S.pericentromericProbability)) {
      const distance = Math.round(random.uniform(0.05, 1) * periBp) + SPACING_BP;
      const startBp = random.chance(0.5) ? cen.startBp - distance - size : cen.endBp + distance;
      if (taken.isFree(startBp, startBp + size)) at = { startBp, endBp: startBp + size };
    }
    at ??= taken.place(size, 0, lengthBp, random);
    if (at) decoys.push(taken.add(decoy('rDNA_5S', at, rDNA5S.unitBp, random)));
  }
  return decoys.sort(byStart);
}

function planGaps(params: GenomeParams, lengthBp: Bp, scale: number, cen: CentromerePlan, taken: Occupancy, random: Random): Interval[] {
  const g = params.gaps;
  // Density is per Mb of the (scaled) chromosome, so small test genomes are not riddled with gaps.
  const n = Math.max(1, random.poisson((g.perMb * lengthBp) / 1e6));
  const gaps: Interval[] = [];
  for (let i = 0; i < n; i++) {
    const size = random.chance(g.unknownSizeFraction) ? 100 : Math.max(100, Math.round(random.logUniform(...g.lengthBp) * scale));
    let at: Interval | undefined;
    if (i === 0 && random.chance(g.centromereFlankProbability)) {
      const startBp = random.chance(0.5) ? cen.startBp - size : cen.endBp;
      if (taken.isFree(startBp, startBp + size, SPACING_BP, cen)) at = { startBp, endBp: startBp + size };
    }
    at ??= taken.place(size, SPACING_BP, lengthBp - SPACING_BP, random);
    if (at) gaps.push(taken.add(at));
  }
  return gaps.sort(byStart);
}

/** One chromosome's plan; depends only on the seed, the scale and the chromosome's index. */
export function planChromosome(params: GenomeParams, options: RiceOptions, index: number): ChromosomePlan {
  const random = new Random(deriveSeed(options.seed, STREAM.layout, index));
  const { name, length: fullLengthBp } = IRGSP_CHROMOSOMES[index]!;
  const lengthBp = Math.round(fullLengthBp * options.scale);
  const taken = new Occupancy(lengthBp);
  const centromere = taken.add(planCentromere(params, options, index, lengthBp));
  const pericentromereBp = Math.max(1, Math.round(random.uniform(...params.transposons.pericentromereBp) * options.scale));
  const decoys = planDecoys(params, name, lengthBp, options.scale, centromere, pericentromereBp, taken, random);
  const gaps = planGaps(params, lengthBp, options.scale, centromere, taken, random);
  const { armCoverage, periCoverage, families } = params.transposons;
  const periWeightAt = (pos: Bp) => {
    const d = pos < centromere.startBp ? centromere.startBp - pos : pos >= centromere.endBp ? pos - centromere.endBp + 1 : 0;
    return Math.exp(-((d / pericentromereBp) ** 2));
  };
  const teCopies = planTeCopies({ free: taken.free(), periWeightAt, armCoverage, periCoverage }, families, random);
  return { index, name, lengthBp, centromere, pericentromereBp, decoys, gaps, teCopies };
}

/** The whole genome's plan (no sequence). */
export function planGenome(options: RiceOptions): GenomePlan {
  checkRiceOptions(options);
  const params = riceParams(options);
  const chromosomes = IRGSP_CHROMOSOMES.slice(0, options.chromosomes).map((_, i) => planChromosome(params, options, i));
  return { options, params, chromosomes };
}

const sumBp = (xs: { lengthBp: Bp }[]) => xs.reduce((s, x) => s + x.lengthBp, 0);

/** What params.json says about one chromosome (counts, not every TE copy: those are in repeats.bed). */
export function describeChromosome(plan: ChromosomePlan, params: GenomeParams) {
  const c = plan.centromere;
  return {
    name: plan.name,
    lengthBp: plan.lengthBp,
    centromere: {
      startBp: c.startBp,
      endBp: c.endBp,
      arrayBp: c.endBp - c.startBp,
      centerFraction: c.centerFraction,
      horMonomers: c.horMonomers,
      horBp: c.horMonomers * params.centO.monomerBp,
      blocks: c.blocks,
      crrCopies: c.crrCopies.length,
      crrBp: sumBp(c.crrCopies),
      crrFraction: round4(sumBp(c.crrCopies) / (c.endBp - c.startBp)),
    },
    pericentromereBp: plan.pericentromereBp,
    decoys: plan.decoys.map(({ kind, startBp, endBp, unitBp }) => ({ kind, startBp, endBp, unitBp })),
    gaps: plan.gaps.length,
    gapBp: plan.gaps.reduce((s, g) => s + g.endBp - g.startBp, 0),
    teCopies: plan.teCopies.length + c.crrCopies.length,
    teBp: sumBp(plan.teCopies) + sumBp(c.crrCopies),
  };
}
