import { heavierFirst, type Region } from './callRegions.js';
import { commonUnit, isMultipleOf } from './periodFamily.js';

/** A candidate call on one chromosome with its tandem period (bp; undefined: no period evidence). */
export interface PeriodCandidate {
  region: Region;
  periodBp: number | undefined;
}

/**
 * One chromosome's candidates: the runs at the threshold, and the fainter runs at the
 * fallback threshold (a centromere the model is unsure of next to a confident decoy).
 */
export interface ChromosomeCandidates {
  called: readonly PeriodCandidate[];
  faint: readonly PeriodCandidate[];
}

/** The candidate ranked first by top-N selection (callRegions.heavierFirst). */
function byMass(candidates: readonly PeriodCandidate[]): PeriodCandidate | undefined {
  let best: PeriodCandidate | undefined;
  for (const c of candidates) if (!best || heavierFirst(c.region, best.region) < 0) best = c;
  return best;
}

/**
 * One call per chromosome, chosen genome-wide (Manifest.postprocess.choose_by_shared_period):
 * a centromeric satellite family sits on all or most chromosomes, a 5S or 45S rDNA array or a
 * subtelomeric satellite on a few. Each chromosome's candidate with the most probability mass
 * votes with its period; when one unit (periodFamily.commonUnit: its HORs count as the unit)
 * explains the top candidates' periods on a strict majority of the chromosomes that have one,
 * a chromosome whose top candidate is of another family takes its heaviest called candidate of
 * the shared unit instead, or else its heaviest faint one, if it has one. Otherwise every
 * chromosome keeps its heaviest called candidate (faint ones stand in where none is called).
 * `candidates[i]` are chromosome i's; the result has one entry per chromosome (undefined where
 * it had none).
 */
export function chooseBySharedPeriod(candidates: readonly ChromosomeCandidates[], tolerance: number): (PeriodCandidate | undefined)[] {
  const tops = candidates.map((c) => byMass(c.called.length ? c.called : c.faint));
  const periods = tops.flatMap((t) => (t?.periodBp === undefined ? [] : [t.periodBp]));
  const shared = commonUnit(periods, tolerance);
  if (!shared || shared.support < 2 || 2 * shared.support <= periods.length) return tops;
  const ofFamily = (c: PeriodCandidate) => c.periodBp !== undefined && isMultipleOf(c.periodBp, shared.unitBp, tolerance);
  return candidates.map((own, i) => {
    const top = tops[i];
    // A top call without period evidence is not known to be another family's array: kept.
    if (!top || top.periodBp === undefined || ofFamily(top)) return top;
    return byMass(own.called.filter(ofFamily)) ?? byMass(own.faint.filter(ofFamily)) ?? top;
  });
}
