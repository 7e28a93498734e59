import type { Bp } from '../genome.js';
import type { Random } from './random.js';
import { concat, randomSequence, reverseComplement, softMask, writeDiverged, type Divergence } from './sequenceSynth.js';

/**
 * Tandem arrays: the CentO centromeric satellite and the decoy arrays (subtelomeric
 * satellites, 5S and 45S rDNA). An array is a unit copied head to tail, each copy diverged
 * independently; blocks of the array may be inverted, as CentO arrays are in rice.
 *
 * The centromeric unit is each chromosome's own variant of the genome's monomer (copies are
 * more alike within a chromosome than between chromosomes) or a higher-order repeat (HOR) of
 * it: several monomers, each a diverged variant of the chromosome's monomer, so the array
 * repeats with period monomerBp at the monomers' divergence and with period horBp at the
 * (lower) HOR-copy divergence. Without HOR the unit is the monomer alone.
 */

/** A stretch of an array written in one orientation. */
export interface ArrayBlock {
  startBp: Bp;
  endBp: Bp;
  strand: '+' | '-';
}

/** The repeated unit, both orientations. */
export interface ArrayUnit {
  forward: Uint8Array;
  reverse: Uint8Array;
}

export interface TandemArrayModel {
  unit: ArrayUnit;
  copyDivergence: Divergence;
  /**
   * Copies at the array's edges are this much more diverged than at its centre (relative):
   * young, homogenised cores and older flanks, as in sequenced plant centromeres.
   */
  edgeAging: number;
}

export function arrayUnit(forward: Uint8Array): ArrayUnit {
  return { forward, reverse: reverseComplement(forward) };
}

/** A substitution-only variant of a sequence (so it keeps its length). */
export function substitutedVariant(template: Uint8Array, divergence: number, random: Random): Uint8Array {
  const v = new Uint8Array(template.length);
  writeDiverged(v, 0, v.length, template, { substitutionRate: divergence, indelRate: 0 }, random);
  return v;
}

/** The HOR: `monomers` substitution-only variants of the monomer (so each keeps monomerBp); 1: the monomer itself. */
export function buildHorUnit(monomer: Uint8Array, monomers: number, monomerDivergence: number, random: Random): ArrayUnit {
  if (monomers === 1) return arrayUnit(monomer);
  const variants: Uint8Array[] = [];
  for (let i = 0; i < monomers; i++) variants.push(substitutedVariant(monomer, monomerDivergence, random));
  return arrayUnit(concat(...variants));
}

/** 5S rDNA unit: a conserved, GC-rich gene (120 bp) followed by an AT-richer spacer. */
export function build5SUnit(unitBp: Bp, geneBp: Bp, random: Random): ArrayUnit {
  return arrayUnit(concat(randomSequence(geneBp, 0.55, random), randomSequence(unitBp - geneBp, 0.38, random)));
}

/**
 * 45S rDNA unit: 18S–5.8S–25S genes (GC-rich, ~5.8 kb with ITSs) then the intergenic spacer,
 * which carries `subrepeats` tandem copies of a sub-repeat (rice: 254 bp), each a few %
 * diverged from the others, between unique spacer sequence.
 */
export function build45SUnit(unitBp: Bp, subrepeatBp: Bp, subrepeats: number, random: Random): ArrayUnit {
  const genesBp = Math.min(5800, unitBp - 1000);
  const spacerBp = unitBp - genesBp;
  const n = Math.max(0, Math.min(subrepeats, Math.floor((spacerBp - 200) / subrepeatBp)));
  const subrepeat = randomSequence(subrepeatBp, 0.5, random);
  const copies = Array.from({ length: n }, () => substitutedVariant(subrepeat, 0.03, random));
  const beforeBp = Math.floor((spacerBp - n * subrepeatBp) / 2);
  return arrayUnit(
    concat(
      randomSequence(genesBp, 0.55, random),
      randomSequence(beforeBp, 0.45, random),
      ...copies,
      randomSequence(spacerBp - n * subrepeatBp - beforeBp, 0.45, random),
    ),
  );
}

/**
 * Fills the blocks (which tile [startBp, endBp)) with diverged unit copies, soft-masked.
 * Each block starts at a random phase of the unit; the last copy is cut at the block's end.
 */
export function writeTandemArray(out: Uint8Array, blocks: ArrayBlock[], model: TandemArrayModel, random: Random): void {
  const arrayStart = blocks[0]!.startBp;
  const arrayBp = blocks[blocks.length - 1]!.endBp - arrayStart;
  const { substitutionRate, indelRate } = model.copyDivergence;
  for (const block of blocks) {
    const unit = block.strand === '+' ? model.unit.forward : model.unit.reverse;
    let template = unit.subarray(random.int(0, unit.length - 1));
    let o = block.startBp;
    while (o < block.endBp) {
      const edge = Math.abs((2 * (o - arrayStart)) / arrayBp - 1);
      const aging = 1 + model.edgeAging * edge;
      o += writeDiverged(out, o, block.endBp - o, template, { substitutionRate: substitutionRate * aging, indelRate: indelRate * aging }, random);
      template = unit;
    }
    softMask(out, block.startBp, block.endBp);
  }
}
