import type { Bp } from '../genome.js';
import { round4, type Random } from './random.js';
import { ascii, concat, randomSequence, reverseComplement, softMask, writeDivergedExact, writeTargetSiteDuplication } from './sequenceSynth.js';

/**
 * Transposable-element families and their copies. The families' shapes (lengths, terminal
 * repeats, where they prefer to insert) are drawn per genome as numbers; the consensus
 * sequences are built from them separately, so planning a genome never touches sequence.
 *
 * The classes follow rice: Gypsy LTR retrotransposons (RIRE-like) pile up in pericentromeric
 * heterochromatin, MITEs (Stowaway, Tourist) sit in the gene-rich arms, LINEs are 5′-truncated,
 * and CRR is the centromeric retrotransposon that also interrupts the CentO arrays.
 */
export type TeClass = 'Gypsy' | 'Copia' | 'LINE' | 'CACTA' | 'Stowaway' | 'Tourist' | 'CRR';

/** LTR: long terminal repeats, same orientation; TIR: terminal inverted repeats. */
type Ends = 'LTR' | 'TIR' | 'polyA';

interface ClassRanges {
  families: [number, number];
  consensusBp: [Bp, Bp];
  terminalBp: [Bp, Bp];
  ends: Ends;
  gc: [number, number];
  meanDivergence: [number, number];
  /** Relative insertion preference in the arms and in the pericentromere. */
  armWeight: number;
  periWeight: number;
  tsdBp: Bp;
  /** Hallmark bases at the 5′ end of the terminal repeat (LTRs start TG…CA, CACTA TIRs CACTA). */
  hallmark: string;
}

const CLASSES: Record<TeClass, ClassRanges> = {
  Gypsy: { families: [2, 4], consensusBp: [5000, 12000], terminalBp: [300, 1500], ends: 'LTR', gc: [0.42, 0.48], meanDivergence: [0.02, 0.15], armWeight: 0.15, periWeight: 1, tsdBp: 5, hallmark: 'TG' },
  Copia: { families: [1, 3], consensusBp: [4000, 6500], terminalBp: [150, 500], ends: 'LTR', gc: [0.4, 0.46], meanDivergence: [0.02, 0.15], armWeight: 0.4, periWeight: 0.5, tsdBp: 5, hallmark: 'TG' },
  LINE: { families: [1, 2], consensusBp: [5000, 7000], terminalBp: [15, 40], ends: 'polyA', gc: [0.38, 0.44], meanDivergence: [0.05, 0.2], armWeight: 0.25, periWeight: 0.25, tsdBp: 10, hallmark: '' },
  CACTA: { families: [1, 2], consensusBp: [3000, 9000], terminalBp: [10, 30], ends: 'TIR', gc: [0.4, 0.46], meanDivergence: [0.05, 0.2], armWeight: 0.1, periWeight: 0.15, tsdBp: 3, hallmark: 'CACTA' },
  Stowaway: { families: [1, 3], consensusBp: [80, 320], terminalBp: [20, 40], ends: 'TIR', gc: [0.3, 0.4], meanDivergence: [0.05, 0.2], armWeight: 1, periWeight: 0.1, tsdBp: 2, hallmark: 'CTCCCTCC' },
  Tourist: { families: [1, 2], consensusBp: [100, 450], terminalBp: [10, 20], ends: 'TIR', gc: [0.32, 0.42], meanDivergence: [0.05, 0.2], armWeight: 0.8, periWeight: 0.1, tsdBp: 3, hallmark: 'GGCC' },
  CRR: { families: [1, 1], consensusBp: [5000, 8000], terminalBp: [300, 800], ends: 'LTR', gc: [0.43, 0.48], meanDivergence: [0.01, 0.06], armWeight: 0, periWeight: 0.1, tsdBp: 5, hallmark: 'TG' },
};

export interface TeFamily {
  /** BED name, e.g. `Gypsy_2`; the centromeric family is plain `CRR`. */
  name: string;
  teClass: TeClass;
  consensusBp: Bp;
  /** LTR or TIR length; for LINEs the poly(A) tail. */
  terminalBp: Bp;
  gc: number;
  meanDivergence: number;
  /** Insertion weights in the arms and in the pericentromere (class preference × abundance). */
  armWeight: number;
  periWeight: number;
  tsdBp: Bp;
}

export function drawTeFamilies(random: Random): TeFamily[] {
  const families: TeFamily[] = [];
  for (const teClass of Object.keys(CLASSES) as TeClass[]) {
    const c = CLASSES[teClass];
    const n = random.int(...c.families);
    for (let i = 0; i < n; i++) {
      const consensusBp = random.int(...c.consensusBp);
      const abundance = round4(random.uniform(0.3, 1.5));
      families.push({
        name: teClass === 'CRR' ? 'CRR' : `${teClass}_${i + 1}`,
        teClass,
        consensusBp,
        terminalBp: Math.min(random.int(...c.terminalBp), Math.floor(consensusBp / 3)),
        gc: round4(random.uniform(...c.gc)),
        meanDivergence: round4(random.uniform(...c.meanDivergence)),
        armWeight: round4(c.armWeight * abundance),
        periWeight: round4(c.periWeight * abundance),
        tsdBp: c.tsdBp,
      });
    }
  }
  return families;
}

/** One inserted copy: out[startBp, startBp + lengthBp) ← diverged consensus[templateStartBp, …). */
export interface TeCopy {
  family: number;
  startBp: Bp;
  lengthBp: Bp;
  templateStartBp: Bp;
  strand: '+' | '-';
  divergence: number;
}

/** Which part of the consensus a copy carries: full-length, solo LTR, 5′-truncated or a fragment. */
export function drawCopyShape(family: TeFamily, random: Random): { templateStartBp: Bp; lengthBp: Bp } {
  const L = family.consensusBp;
  const fragment = (minBp: Bp) => {
    const lengthBp = random.int(Math.min(minBp, L), L);
    return { templateStartBp: random.int(0, L - lengthBp), lengthBp };
  };
  const r = random.next();
  switch (CLASSES[family.teClass].ends) {
    case 'LTR':
      // Recombination between the two LTRs leaves a solo LTR, the commonest LTR-RT remnant.
      return r < 0.55 ? { templateStartBp: 0, lengthBp: L } : r < 0.85 ? { templateStartBp: 0, lengthBp: family.terminalBp } : fragment(300);
    case 'polyA': {
      // Reverse transcription often stops early: LINE copies keep their 3′ end.
      const lengthBp = r < 0.15 ? L : Math.min(L, 200 + Math.floor(random.exponential(1500)));
      return { templateStartBp: L - lengthBp, lengthBp };
    }
    case 'TIR':
      return r < (L < 1000 ? 0.9 : 0.6) ? { templateStartBp: 0, lengthBp: L } : fragment(50);
  }
}

export function drawCopyDivergence(family: TeFamily, random: Random): number {
  return round4(Math.min(0.35, Math.max(0.001, family.meanDivergence * random.uniform(0.5, 1.5))));
}

/** Free stretches of a chromosome and how pericentromeric each position is (0 arm … 1 core). */
export interface TeLandscape {
  free: { startBp: Bp; endBp: Bp }[];
  periWeightAt: (pos: Bp) => number;
  armCoverage: number;
  periCoverage: number;
}

/** Keeps copies and their target-site duplications this far from any other feature. */
const MARGIN_BP = 50;

/**
 * Walks the free stretches left to right, dropping copies with exponential spacing chosen so
 * that the expected covered fraction is the local coverage (arm → pericentromere). Copies
 * never overlap one another or a planned feature, and come out sorted by start.
 */
export function planTeCopies(landscape: TeLandscape, families: TeFamily[], random: Random): TeCopy[] {
  const copies: TeCopy[] = [];
  const weights = new Float64Array(families.length);
  for (const { startBp, endBp } of landscape.free) {
    let p = startBp + MARGIN_BP;
    while (p < endBp - MARGIN_BP) {
      const w = landscape.periWeightAt(p);
      const coverage = landscape.armCoverage + (landscape.periCoverage - landscape.armCoverage) * w;
      for (let f = 0; f < families.length; f++) weights[f] = families[f]!.armWeight * (1 - w) + families[f]!.periWeight * w;
      const family = random.weighted(weights);
      const shape = drawCopyShape(families[family]!, random);
      const start = p + Math.round(random.exponential((shape.lengthBp * (1 - coverage)) / coverage));
      const end = start + shape.lengthBp;
      if (end + families[family]!.tsdBp > endBp - MARGIN_BP) {
        p = start + 1;
        continue;
      }
      copies.push({ family, startBp: start, ...shape, strand: random.chance(0.5) ? '+' : '-', divergence: drawCopyDivergence(families[family]!, random) });
      p = end + families[family]!.tsdBp;
    }
  }
  return copies;
}

/** A family's consensus, forward and reverse-complemented (copies on '-' read the latter). */
export interface Consensus {
  forward: Uint8Array;
  reverse: Uint8Array;
}

export function buildConsensus(family: TeFamily, random: Random): Consensus {
  const c = CLASSES[family.teClass];
  const terminal = randomSequence(family.terminalBp, family.gc, random);
  terminal.set(ascii(c.hallmark).subarray(0, terminal.length));
  let forward: Uint8Array;
  if (c.ends === 'polyA') {
    const body = randomSequence(family.consensusBp - family.terminalBp, family.gc, random);
    forward = concat(body, new Uint8Array(family.terminalBp).fill(65));
  } else {
    if (c.ends === 'LTR') terminal.set(ascii('CA'), terminal.length - 2);
    const internal = randomSequence(family.consensusBp - 2 * family.terminalBp, family.gc, random);
    forward = concat(terminal, internal, c.ends === 'LTR' ? terminal : reverseComplement(terminal));
  }
  return { forward, reverse: reverseComplement(forward) };
}

/**
 * Writes one soft-masked copy. With `tsd`, the target-site duplication follows the copy
 * (the insertion duplicated the bases before it); copies inside satellite arrays go without.
 */
export function writeTeCopy(out: Uint8Array, copy: TeCopy, family: TeFamily, consensus: Consensus, random: Random, tsd: boolean): void {
  const template =
    copy.strand === '+'
      ? consensus.forward.subarray(copy.templateStartBp)
      : consensus.reverse.subarray(family.consensusBp - copy.templateStartBp - copy.lengthBp);
  const divergence = { substitutionRate: copy.divergence * 0.9, indelRate: copy.divergence * 0.1 };
  writeDivergedExact(out, copy.startBp, copy.lengthBp, template, divergence, random);
  softMask(out, copy.startBp, copy.startBp + copy.lengthBp);
  if (tsd) writeTargetSiteDuplication(out, copy.startBp, copy.startBp + copy.lengthBp, family.tsdBp);
}
