import { Random, deriveSeed } from './random.js';
import { STREAM, type GenomeParams } from './genomeParams.js';
import type { ChromosomePlan, DecoyKind } from './riceLayout.js';
import { arrayUnit, build45SUnit, build5SUnit, buildHorUnit, substitutedVariant, writeTandemArray, type ArrayUnit } from './satelliteArray.js';
import { BASE_N, fillBackground, randomSequence, type Divergence } from './sequenceSynth.js';
import { buildConsensus, writeTeCopy, type Consensus } from './transposons.js';

/** The genome-wide templates: one CentO monomer, one consensus per TE family, one unit per decoy kind. */
export interface GenomeSequences {
  monomer: Uint8Array;
  consensus: Consensus[];
  decoyUnits: Record<DecoyKind, ArrayUnit>;
}

export function buildGenomeSequences(params: GenomeParams, seed: number): GenomeSequences {
  const random = new Random(deriveSeed(seed, STREAM.sequences));
  const monomer = randomSequence(params.centO.monomerBp, params.centO.monomerGc, random);
  const consensus = params.transposons.families.map((f) => buildConsensus(f, random));
  const { subtelomeric, rDNA5S, rDNA45S } = params.decoys;
  const units = new Random(deriveSeed(seed, STREAM.decoyUnits));
  return {
    monomer,
    consensus,
    decoyUnits: {
      subtelomeric_satellite: arrayUnit(randomSequence(subtelomeric.unitBp, subtelomeric.gc, units)),
      rDNA_5S: build5SUnit(rDNA5S.unitBp, rDNA5S.geneBp, units),
      rDNA_45S: build45SUnit(rDNA45S.unitBp, rDNA45S.subrepeatBp, rDNA45S.subrepeats, units),
    },
  };
}

/**
 * Tandem-array copy divergence: mostly substitutions. An indel shifts the phase between a copy
 * and the next, so indels are kept below 0.02 per unit copy: HORs stay periodic at the HOR
 * length, and 5S units as homogeneous as concerted evolution keeps them in real genomes.
 */
function arrayDivergence(divergence: number, unitBp: number, indelRate = divergence * 0.05): Divergence {
  return { substitutionRate: divergence, indelRate: Math.min(indelRate, 0.0008, 0.02 / unitBp) };
}

/**
 * Writes one chromosome's bases into `out` (exactly plan.lengthBp long): background between the
 * tandem arrays, the arrays, then the other planned features over the background (it is
 * i.i.d., so overwriting it is the same as inserting).
 * Uses its own random stream, so each chromosome is the same whichever others are made.
 */
export function synthesizeChromosome(out: Uint8Array, plan: ChromosomePlan, params: GenomeParams, sequences: GenomeSequences, seed: number): void {
  const random = new Random(deriveSeed(seed, STREAM.chromosome, plan.index));
  // Background everywhere but the tandem arrays, which write every base of their span (Mb of
  // 45S and centromere need no background first).
  const arrays = [plan.centromere, ...plan.decoys].sort((a, b) => a.startBp - b.startBp);
  let at = 0;
  for (const a of arrays) {
    fillBackground(out, at, a.startBp, params.background, random);
    at = a.endBp;
  }
  fillBackground(out, at, plan.lengthBp, params.background, random);
  for (const gap of plan.gaps) out.fill(BASE_N, gap.startBp, gap.endBp);

  const cen = plan.centromere;
  const c = params.centO;
  // The chromosome's own monomer and HOR, from their own stream.
  const unitRandom = new Random(deriveSeed(seed, STREAM.chromosomeMonomer, plan.index));
  const monomer = substitutedVariant(sequences.monomer, c.chromosomeDivergence, unitRandom);
  const hor = buildHorUnit(monomer, cen.horMonomers, c.monomerDivergence, unitRandom);
  writeTandemArray(out, cen.blocks, { unit: hor, copyDivergence: arrayDivergence(c.horCopyDivergence, hor.forward.length, c.horIndelRate), edgeAging: c.edgeAging }, random);
  const families = params.transposons.families;
  for (const copy of cen.crrCopies) writeTeCopy(out, copy, families[copy.family]!, sequences.consensus[copy.family]!, random, false);

  for (const decoy of plan.decoys) {
    const divergence = decoy.kind === 'subtelomeric_satellite' ? params.decoys.subtelomeric.divergence : decoy.kind === 'rDNA_5S' ? params.decoys.rDNA5S.divergence : params.decoys.rDNA45S.divergence;
    writeTandemArray(out, decoy.blocks, { unit: sequences.decoyUnits[decoy.kind], copyDivergence: arrayDivergence(divergence, decoy.unitBp), edgeAging: 0 }, random);
  }
  for (const copy of plan.teCopies) writeTeCopy(out, copy, families[copy.family]!, sequences.consensus[copy.family]!, random, true);
}
