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
 * Returns the unit and how many periods it explains; undefined for no periods.
 */
export function commonUnit(periods: readonly number[], tolerance: number): { unitBp: number; support: number } | undefined {
  let best: { unitBp: number; support: number } | undefined;
  for (const p of periods) {
    for (let k = 1; k <= MAX_HOR_ORDER; k++) {
      const unitBp = p / k;
      const support = periods.filter((q) => isMultipleOf(q, unitBp, tolerance)).length;
      if (!best || support > best.support || (support === best.support && unitBp > best.unitBp)) best = { unitBp, support };
    }
  }
  if (!best) return undefined;
  const unit = best.unitBp;
  const monomers = periods.filter((q) => isMultipleOf(q, unit, tolerance)).map((q) => q / Math.round(q / unit));
  return { unitBp: median(monomers), support: best.support };
}
