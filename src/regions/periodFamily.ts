import { median } from './median.js';

/**
 * Tandem periods of one satellite family. A higher-order repeat reports its HOR period where
 * its copies are more alike than its monomers (a dimer 2P, a trimer 3P), and the HOR differs
 * between chromosomes (rice CentO dimers, chromosome-specific alpha-satellite HORs), so one
 * family's arrays show small integer multiples of one monomer.
 */

/** Largest HOR order (monomers per higher-order unit) taken as the same family. */
export const MAX_HOR_ORDER = 4;

/**
 * Whether `period` is m × `unit` for an m in 1…MAX_HOR_ORDER, within max(2 bp, tolerance ×
 * unit): the tolerance is per monomer, so that a 500-bp 5S unit is not 3 × a 170-bp monomer.
 */
export function isMultipleOf(period: number, unit: number, tolerance: number): boolean {
  if (!(unit > 0) || !(period > 0)) return false;
  const m = Math.round(period / unit);
  return m >= 1 && m <= MAX_HOR_ORDER && Math.abs(period - m * unit) <= Math.max(2, tolerance * unit);
}

/** Whether one period is a multiple of the other (a monomer and its HOR, or the same period). */
export function sameFamily(a: number, b: number, tolerance: number): boolean {
  return isMultipleOf(a, b, tolerance) || isMultipleOf(b, a, tolerance);
}

/**
 * The unit most of `periods` are multiples of: every period / k (k = 1…MAX_HOR_ORDER) is tried;
 * ties go to the larger unit (a smaller one explains more by chance). The unit returned is the
 * median monomer (q / m) of the periods it explains, so that no one period's drift sets it.
 * Returns the unit and how many periods it explains; undefined for no periods. Counting is by
 * binary search over the sorted periods: a genome of 20,000 called scaffolds stays cheap.
 */
export function commonUnit(periods: readonly number[], tolerance: number): { unitBp: number; support: number } | undefined {
  const sorted = periods.filter((p) => p > 0).sort((a, b) => a - b);
  let best: { unitBp: number; support: number } | undefined;
  for (const p of new Set(sorted)) {
    for (let k = 1; k <= MAX_HOR_ORDER; k++) {
      const unitBp = p / k;
      const support = multiplesOf(sorted, unitBp, tolerance).length;
      if (!best || support > best.support || (support === best.support && unitBp > best.unitBp)) best = { unitBp, support };
    }
  }
  if (!best) return undefined;
  const unit = best.unitBp;
  return { unitBp: median(multiplesOf(sorted, unit, tolerance).map((q) => q / Math.round(q / unit))), support: best.support };
}

/** The periods of `sorted` (ascending) that are multiples of `unit` (isMultipleOf). */
function multiplesOf(sorted: readonly number[], unit: number, tolerance: number): number[] {
  const out: number[] = [];
  const slack = Math.max(2, tolerance * unit);
  for (let m = 1; m <= MAX_HOR_ORDER; m++) {
    // Windows of consecutive m do not overlap while slack < unit / 2; isMultipleOf decides.
    for (let i = lowerBound(sorted, m * unit - slack); i < sorted.length && sorted[i]! <= m * unit + slack; i++) {
      if (Math.round(sorted[i]! / unit) === m && isMultipleOf(sorted[i]!, unit, tolerance)) out.push(sorted[i]!);
    }
  }
  return out;
}

/** The first index of `sorted` whose value is ≥ x. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
