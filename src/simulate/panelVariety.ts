import type { Bp } from '../genome.js';
import { Random, deriveSeed } from './random.js';
import type { GenomeParams } from './genomeParams.js';
import type { ChromosomePlan, DecoyPlan, Interval } from './riceLayout.js';
import { BASE_N, fillBackground } from './sequenceSynth.js';
import type { SmallVariantModel, StructuralEdit } from './sequenceVariants.js';

/**
 * What makes one variety of a panel differ from the base genome, drawn from (seed, variety
 * index) alone: its SNP and indel rates, and per chromosome a few structural edits, in base
 * coordinates:
 *   - decoy arrays lost (each deleted whole with the variety's loss probability);
 *   - the CentO array contracted (a stretch of it deleted) or expanded (a CRR-free stretch of
 *     whole HORs duplicated in tandem), staying ≥ the simulator's minimum array and ≤ a quarter
 *     of the chromosome (the base's length);
 *   - an arm indel between the centromere and the nearest array on its left (fresh background
 *     inserted, or a stretch deleted with the TE copies and gaps inside it), which moves the
 *     centromere along the chromosome.
 * Edits never cut a feature (array, TE copy, gap) other than the array they change, and never
 * join two N runs, so every truth interval maps exactly (or is deleted whole).
 */

/** Stream labels for deriveSeed, far from genomeParams' STREAM values. */
const PANEL_STREAM = 0x70616e; // "pan"
const PART = { variety: 0, structure: 1, smallVariants: 2 } as const;

export const MAX_INDEL_BP = 20;
/** The centromeric array's length is multiplied by a log-uniform factor in this range (then capped). */
const ARRAY_FACTOR: [number, number] = [0.6, 1.6];
/** Arm indels: normal with this SD as a fraction of the chromosome, at most ARM_INDEL_MAX of it. */
const ARM_INDEL_SD = 0.01;
const ARM_INDEL_MAX = 0.03;
/** Arm indels stay this far from the centromere (features keep the simulator's spacing). */
const ARM_CLEARANCE_BP = 200;

export interface Variety {
  index: number;
  name: string;
  snpRate: number;
  indelRate: number;
  decoyLossProbability: number;
}

export interface VarietyChromosome {
  edits: StructuralEdit[];
  /** The base's decoys this variety lacks. */
  lostDecoys: DecoyPlan[];
  smallVariants: SmallVariantModel;
  /** Random stream for the small variants. */
  random: Random;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function drawVariety(seed: number, index: number, name: string): Variety {
  const random = new Random(deriveSeed(seed, PANEL_STREAM, index, PART.variety));
  const snpRate = round6(random.logUniform(0.001, 0.01));
  return {
    index,
    name,
    snpRate,
    indelRate: round6(snpRate * random.uniform(0.05, 0.2)),
    decoyLossProbability: round6(random.uniform(0.1, 0.5)),
  };
}

/** Cut points are where an edit may start or end: inside no feature, not next to N. */
class CutPoints {
  constructor(
    private readonly features: readonly Interval[],
    private readonly seq: Uint8Array,
  ) {}

  isCut(pos: Bp): boolean {
    if (pos <= 0 || pos >= this.seq.length) return false;
    if ((this.seq[pos - 1]! & 0xdf) === BASE_N || (this.seq[pos]! & 0xdf) === BASE_N) return false;
    return this.features.every((f) => pos <= f.startBp || pos >= f.endBp);
  }

  /** The first cut point in [pos, limit] (step +1) or [limit, pos] (step −1), or undefined. */
  next(pos: Bp, limit: Bp, step: 1 | -1 = 1): Bp | undefined {
    for (let p = pos; step > 0 ? p <= limit : p >= limit; p += step) {
      if (this.isCut(p)) return p;
      // Jump to the edge of the feature that contains p.
      const inside = this.features.find((f) => f.startBp < p && p < f.endBp);
      if (inside) p = step > 0 ? inside.endBp - 1 : inside.startBp + 1;
    }
    return undefined;
  }
}

export function planVarietyChromosome(variety: Variety, seed: number, plan: ChromosomePlan, base: Uint8Array, params: GenomeParams): VarietyChromosome {
  const random = new Random(deriveSeed(seed, PANEL_STREAM, variety.index, PART.structure, plan.index));
  const lostDecoys = plan.decoys.filter(() => random.chance(variety.decoyLossProbability));
  const edits: StructuralEdit[] = lostDecoys.map((d) => ({ startBp: d.startBp, endBp: d.endBp, cause: `${d.kind}_loss` }));
  const arrayEdit = centromereEdit(plan, base, params, random);
  if (arrayEdit) edits.push(arrayEdit);
  const armEdit = armIndel(plan, base, params, random);
  if (armEdit) edits.push(armEdit);
  edits.sort((a, b) => a.startBp - b.startBp);
  return {
    edits,
    lostDecoys,
    smallVariants: { snpRate: variety.snpRate, indelRate: variety.indelRate, maxIndelBp: MAX_INDEL_BP, gc: params.background.gc },
    random: new Random(deriveSeed(seed, PANEL_STREAM, variety.index, PART.smallVariants, plan.index)),
  };
}

/** Contracts or expands the CentO array by whole HORs, keeping CRR insertions whole. */
function centromereEdit(plan: ChromosomePlan, base: Uint8Array, params: GenomeParams, random: Random): StructuralEdit | undefined {
  const c = plan.centromere;
  const horBp = c.horMonomers * params.centO.monomerBp;
  const arrayBp = c.endBp - c.startBp;
  const minBp = Math.max(20 * params.centO.monomerBp, 3 * horBp);
  const maxBp = Math.max(arrayBp, Math.floor(plan.lengthBp / 4));
  const target = Math.min(maxBp, Math.max(minBp, Math.round(arrayBp * random.logUniform(...ARRAY_FACTOR))));
  const change = Math.trunc((target - arrayBp) / horBp) * horBp;
  const crr = new CutPoints(c.crrCopies.map((t) => ({ startBp: t.startBp, endBp: t.startBp + t.lengthBp })), base);
  if (change < 0) {
    // Delete a stretch, moved inward off any CRR it would cut (so it may end up a little shorter).
    const from = random.int(c.startBp, c.endBp + change);
    const startBp = crr.next(from, c.endBp);
    let endBp = from - change;
    while (startBp !== undefined && endBp > startBp && !crr.isCut(endBp) && endBp !== c.endBp) endBp--;
    if (startBp === undefined || endBp - startBp < horBp) return undefined;
    return { startBp, endBp, cause: 'centromere_contraction' };
  }
  if (change === 0) return undefined;
  // Duplicate whole HORs of the longest CRR-free stretch, inserted strictly inside the array.
  const stretches: Interval[] = [];
  let at = c.startBp;
  for (const t of c.crrCopies) {
    stretches.push({ startBp: at, endBp: t.startBp });
    at = t.startBp + t.lengthBp;
  }
  stretches.push({ startBp: at, endBp: c.endBp });
  const s = stretches.reduce((best, x) => (x.endBp - x.startBp > best.endBp - best.startBp ? x : best));
  const unitBp = Math.min(change, Math.floor((s.endBp - s.startBp - horBp) / horBp) * horBp);
  if (unitBp < horBp) return undefined;
  const x = s.startBp + unitBp + horBp * random.int(0, Math.floor((s.endBp - s.startBp - unitBp - horBp) / horBp));
  const bases = new Uint8Array(change);
  for (let i = 0; i < change; i += unitBp) bases.set(base.subarray(x - unitBp, x - unitBp + Math.min(unitBp, change - i)), i);
  return { startBp: x, endBp: x, bases, cause: 'centromere_expansion' };
}

/** An insertion or deletion between the centromere and the nearest array on its left. */
function armIndel(plan: ChromosomePlan, base: Uint8Array, params: GenomeParams, random: Random): StructuralEdit | undefined {
  const c = plan.centromere;
  const sizeBp = Math.round(Math.max(-ARM_INDEL_MAX, Math.min(ARM_INDEL_MAX, ARM_INDEL_SD * random.normal())) * plan.lengthBp);
  const leftArray = Math.max(0, ...plan.decoys.filter((d) => d.endBp <= c.startBp).map((d) => d.endBp));
  const lo = leftArray + ARM_CLEARANCE_BP;
  const hi = c.startBp - ARM_CLEARANCE_BP;
  const features: Interval[] = [c, ...plan.decoys, ...plan.gaps, ...plan.teCopies.map((t) => ({ startBp: t.startBp, endBp: t.startBp + t.lengthBp }))];
  const cuts = new CutPoints(
    features.filter((f) => f.endBp > lo && f.startBp < hi),
    base,
  );
  if (sizeBp === 0 || hi - lo < Math.abs(sizeBp)) return undefined;
  if (sizeBp > 0) {
    // Either way from a random place: inside a feature, that puts it against the feature's start or end.
    const at = random.chance(0.5) ? cuts.next(random.int(lo, hi), hi) : cuts.next(random.int(lo, hi), lo, -1);
    if (at === undefined) return undefined;
    const bases = new Uint8Array(sizeBp);
    fillBackground(bases, 0, sizeBp, params.background, random);
    return { startBp: at, endBp: at, bases, cause: 'arm_insertion' };
  }
  const startBp = cuts.next(random.int(lo, hi + sizeBp), hi);
  const endBp = startBp === undefined ? undefined : cuts.next(startBp - sizeBp, hi);
  if (startBp === undefined || endBp === undefined) return undefined;
  return { startBp, endBp, cause: 'arm_deletion' };
}
