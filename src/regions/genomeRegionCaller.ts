import type { StitchedChromosome } from '../stitching/chromosomeStitcher.js';
import { compareRegions } from '../writers/bed.js';
import { callRegions, candidateRegions, refineRegion, type Region, type RegionParams } from './callRegions.js';
import { regionPeriod } from './refineWithPeriod.js';
import { chooseBySharedPeriod, type ChromosomeCandidates, type PeriodCandidate } from './sharedPeriodChoice.js';

/** One chromosome's calls: final per label, or candidates awaiting the genome-wide choice. */
interface HeldChromosome {
  final: Region[];
  candidates: Map<number, ChromosomeCandidates>;
}

/**
 * Region calling over a genome, chromosome by chromosome in output order. Labels called per
 * chromosome (callRegions) come back from `add` at once, ready to write; when any label
 * chooses its calls genome-wide (RegionParams.chooseBySharedPeriod), every chromosome's
 * regions are held (a few candidates each, at the threshold and at the fallback threshold,
 * edges already refined) and come back from `finish`, so that the BED stays in chromosome
 * order.
 */
export class GenomeRegionCaller {
  private readonly held: HeldChromosome[] = [];
  private readonly deferred: boolean;

  constructor(private readonly params: readonly RegionParams[]) {
    this.deferred = params.some((p) => p.chooseBySharedPeriod);
  }

  /** The chromosome's regions, sorted, or [] while they are held for `finish`. */
  add(s: StitchedChromosome): Region[] {
    const final: Region[] = [];
    const candidates = new Map<number, ChromosomeCandidates>();
    for (const [l, p] of this.params.entries()) {
      if (!p.chooseBySharedPeriod) {
        final.push(...callRegions(s, l, p));
        continue;
      }
      const minShare = p.refineWithPeriod?.minShare ?? 0;
      const withPeriods = (regions: Region[]): PeriodCandidate[] =>
        regions.map((r) => ({ region: refineRegion(s, r, p), periodBp: s.tandem && regionPeriod(r, s.tandem, s.binBp, minShare) }));
      const faint = p.fallbackThreshold === undefined ? [] : candidateRegions(s, l, { ...p, threshold: p.fallbackThreshold, fallbackThreshold: undefined });
      candidates.set(l, { called: withPeriods(candidateRegions(s, l, p)), faint: withPeriods(faint) });
    }
    if (!this.deferred) return final.sort(compareRegions);
    this.held.push({ final, candidates });
    return [];
  }

  /** The held chromosomes' regions, in the order they were added, each chromosome's sorted. */
  finish(): Region[] {
    const chosen = new Map<number, (PeriodCandidate | undefined)[]>();
    for (const [l, p] of this.params.entries()) {
      if (p.chooseBySharedPeriod) chosen.set(l, chooseBySharedPeriod(this.held.map((h) => h.candidates.get(l)!), p.refineWithPeriod?.periodTolerance ?? 0));
    }
    const out = this.held.flatMap((h, i) => {
      const picked = [...chosen.values()].flatMap((c) => (c[i] ? [c[i]!.region] : []));
      return [...h.final, ...picked].sort(compareRegions);
    });
    this.held.length = 0;
    return out;
  }
}
