import type { Bp } from '../genome.js';
import type { Random } from './random.js';
import { concat, randomSequence, reverseComplement, softMask, writeDiverged, type Divergence } from './sequenceSynth.js';

/**
 * Tandem arrays: the CentO centromeric satellite and the decoy arrays (subtelomeric
 * satellites, 5S and 45S rDNA). An array is a unit copied head to tail, each copy diverged
 * independently; blocks of the array may be inverted, as CentO arrays are in rice.
 *
 * CentO's unit is a higher-order repeat (HOR): several monomers, each a diverged variant of
 * the genome's monomer, so the array repeats with period monomerBp at the monomers'
 * divergence and with period horBp at the (lower) HOR-copy divergence.
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

/** The CentO HOR: `monomers` substitution-only variants of the monomer (so each keeps monomerBp). */
export function buildHorUnit(monomer: Uint8Array, monomers: number, monomerDivergence: number, random: Random): ArrayUnit {
  const variants: Uint8Array[] = [];
  for (let i = 0; i < monomers; i++) {
    const v = new Uint8Array(monomer.length);
    writeDiverged(v, 0, v.length, monomer, { substitutionRate: monomerDivergence, indelRate: 0 }, random);
    variants.push(v);
  }
  return arrayUnit(concat(...variants));
}

/** 5S rDNA unit: a conserved, GC-rich 120-bp gene followed by an AT-richer spacer. */
export function build5SUnit(unitBp: Bp, random: Random): ArrayUnit {
  return arrayUnit(concat(randomSequence(120, 0.55, random), randomSequence(unitBp - 120, 0.38, random)));
}

/** 45S rDNA unit: 18S–5.8S–25S genes (GC-rich, ~5.8 kb with ITSs) then the intergenic spacer. */
export function build45SUnit(unitBp: Bp, random: Random): ArrayUnit {
  const genesBp = Math.min(5800, unitBp - 1000);
  return arrayUnit(concat(randomSequence(genesBp, 0.55, random), randomSequence(unitBp - genesBp, 0.45, random)));
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
