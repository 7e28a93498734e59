import type { GenomeParams } from './genomeParams.js';
import type { ChromosomePlan } from './riceLayout.js';

/**
 * Which rows of issue 11's table a written genome shows, from its parameters and plan, so a
 * held-out set can be checked to span them (params.json `rows`). A `mixed` genome may show
 * several rows or none; a forced --case shows its own.
 */
export interface IssueRows {
  /** Per-copy divergence ≥ 8% and no higher-order repeat. */
  divergedWithoutHor: boolean;
  /** Centromeres smaller than the largest 5S array that is also more homogeneous than the satellite. */
  centromeresOutsizedBy5S: number;
  /** Every 5S array is larger than every centromere and more homogeneous than the satellite. */
  fiveSLargerThanAllCentromeres: boolean;
  /** The smallest share of CRR among the arrays (≥ 0.4: every array is CRR-rich). */
  minCrrFraction: number;
  /** Monomer ≥ 300 bp. */
  longMonomer: boolean;
  /** Rice CentO: 155-bp monomer with HORs, ≤ 6% per-copy divergence. */
  cleanCentO: boolean;
}

export function issueRows(params: GenomeParams, plans: readonly ChromosomePlan[]): IssueRows {
  const c = params.centO;
  const arrays = plans.map((p) => p.centromere.endBp - p.centromere.startBp);
  const homogeneous5S = params.decoys.rDNA5S.divergence < c.copyDivergence;
  const fiveS = plans.flatMap((p) => p.decoys.filter((d) => d.kind === 'rDNA_5S').map((d) => d.endBp - d.startBp));
  const largest5S = Math.max(0, ...fiveS);
  const crr = plans.map((p) => p.centromere.crrCopies.reduce((s, t) => s + t.lengthBp, 0) / (p.centromere.endBp - p.centromere.startBp));
  return {
    divergedWithoutHor: !c.hor && c.copyDivergence >= 0.08,
    centromeresOutsizedBy5S: homogeneous5S ? arrays.filter((a) => a < largest5S).length : 0,
    fiveSLargerThanAllCentromeres: homogeneous5S && fiveS.length > 0 && Math.min(...fiveS) > Math.max(...arrays),
    minCrrFraction: Math.round(Math.min(...crr) * 1e4) / 1e4,
    longMonomer: c.monomerBp >= 300,
    cleanCentO: c.monomerBp === 155 && c.hor && c.copyDivergence <= 0.06,
  };
}
