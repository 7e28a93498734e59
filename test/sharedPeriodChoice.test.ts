import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Region } from '../src/regions/callRegions.js';
import { chooseBySharedPeriod, type ChromosomeCandidates, type PeriodCandidate } from '../src/regions/sharedPeriodChoice.js';
import { GenomeRegionCaller } from '../src/regions/genomeRegionCaller.js';
import { commonUnit, isMultipleOf, sameFamily } from '../src/regions/periodFamily.js';
import { ModelRepository } from '../src/models/repository.js';
import { regionParams } from '../src/pipeline/runPrediction.js';
import { MODELS } from './helpers.js';
import type { StitchedChromosome } from '../src/stitching/chromosomeStitcher.js';

function candidate(chrom: string, start: number, massBins: number, periodBp: number | undefined): PeriodCandidate {
  const region: Region = { chrom, start, end: start + 100, label: 'centromere', labelIndex: 0, score: 900, meanProb: 0.9, massBins, maxProb: 0.9, peakStart: start, peakEnd: start + 100 };
  return { region, periodBp };
}
const picked = (chosen: (PeriodCandidate | undefined)[]) => chosen.map((c) => (c ? `${c.region.chrom}:${c.region.start}` : '-'));
/** Chromosomes with called candidates only. */
const called = (genome: PeriodCandidate[][]): ChromosomeCandidates[] => genome.map((c) => ({ called: c, faint: [] }));

test('chooseBySharedPeriod: a chromosome whose heaviest call has a minority period takes its call of the shared one, hand-derived', () => {
  const genome = [
    [candidate('chr1', 1_000, 10, 155)],
    [candidate('chr2', 2_000, 12, 156)], // 1 bp off: the same family (2-bp floor)
    [candidate('chr3', 3_000, 30, 500), candidate('chr3', 9_000, 5, 154), candidate('chr3', 7_000, 4, 155)], // 5S heavier than the centromere
    [candidate('chr4', 4_000, 20, 352)], // a subtelomeric satellite and nothing else: kept
    [],
    [candidate('chr6', 6_000, 8, 155), candidate('chr6', 600, 2, 500)],
  ];
  // Tops: 155, 156, 500, 352, none, 155: 155 is shared by 3 of the 5 with a period.
  assert.deepEqual(picked(chooseBySharedPeriod(called(genome), 0.02)), ['chr1:1000', 'chr2:2000', 'chr3:9000', 'chr4:4000', '-', 'chr6:6000']);
  // With chr6 gone, 155 has 2 of 4: no majority, every chromosome keeps its heaviest call.
  assert.deepEqual(picked(chooseBySharedPeriod(called(genome.slice(0, 5)), 0.02)), ['chr1:1000', 'chr2:2000', 'chr3:3000', 'chr4:4000', '-']);
  // One chromosome is no genome-wide evidence.
  assert.deepEqual(picked(chooseBySharedPeriod(called([genome[2]!]), 0.02)), ['chr3:3000']);
  // Tops without a period do not vote, and are kept.
  const faint = [[candidate('chr1', 0, 9, undefined), candidate('chr1', 500, 1, 155)], [candidate('chr2', 0, 9, 155)], [candidate('chr3', 0, 9, 155)]];
  assert.deepEqual(picked(chooseBySharedPeriod(called(faint), 0.02)), ['chr1:0', 'chr2:0', 'chr3:0']);
  // Tolerance is relative above the 2-bp floor: 340 and 346 share a unit (median 343, 2% of
  // it 6.86 bp), and 337 is of it; without the relative part, 340 and 346 are two units and
  // neither has a majority.
  const long = [[candidate('a', 0, 9, 340)], [candidate('b', 0, 9, 346)], [candidate('c', 0, 20, 500), candidate('c', 100, 1, 337)]];
  assert.deepEqual(picked(chooseBySharedPeriod(called(long), 0.02)), ['a:0', 'b:0', 'c:100']);
  assert.deepEqual(picked(chooseBySharedPeriod(called(long), 0)), ['a:0', 'b:0', 'c:0']);
});

test('chooseBySharedPeriod: a faint candidate of the shared period is taken only when no called one has it', () => {
  const genome: ChromosomeCandidates[] = [
    { called: [candidate('chr1', 0, 9, 155)], faint: [candidate('chr1', 0, 9, 155)] },
    { called: [candidate('chr2', 0, 9, 155)], faint: [] },
    // 5S called; the centromere only at the fallback threshold (two faint runs: the heavier wins).
    { called: [candidate('chr3', 0, 30, 500)], faint: [candidate('chr3', 0, 30, 500), candidate('chr3', 5_000, 3, 155), candidate('chr3', 9_000, 4, 156)] },
    // A called candidate of the shared period beats a heavier faint one.
    { called: [candidate('chr4', 0, 30, 500), candidate('chr4', 2_000, 1, 155)], faint: [candidate('chr4', 7_000, 6, 155)] },
    // Nothing called: the heaviest faint run stands in, and votes.
    { called: [], faint: [candidate('chr5', 300, 2, 155), candidate('chr5', 800, 1, 155)] },
  ];
  assert.deepEqual(picked(chooseBySharedPeriod(genome, 0.02)), ['chr1:0', 'chr2:0', 'chr3:9000', 'chr4:2000', 'chr5:300']);
});

/** 100-bp bins with a block at each [bin, bin + n) of `calls`, period `p` on its bins (probability 0.9 unless given). */
function chromosome(name: string, calls: [number, number, number, number?][]): StitchedChromosome {
  const probs = new Float32Array(40);
  const period = new Float32Array(40);
  const share = new Float32Array(40);
  for (const [b, n, p, prob] of calls) for (let i = b; i < b + n; i++) [probs[i], period[i], share[i]] = [prob ?? 0.9, p, 0.3];
  return { chrom: { name, length: 4_000 }, binBp: 100, labels: ['centromere'], probs: [probs], tandem: { period, share } };
}

test('GenomeRegionCaller: genome-wide choice holds every chromosome until finish, then writes them in order', () => {
  const params = { threshold: 0.5, minRegionBp: 0, mergeGapBp: 0, topN: 1, refineWithPeriod: { minShare: 0.1, periodTolerance: 0.02, mergeGapBp: 0 } };
  const genome = [
    chromosome('chr1', [[5, 4, 155]]),
    chromosome('chr2', [[2, 3, 155], [20, 10, 500]]), // 5S outweighs the centromere
    chromosome('chr3', [[30, 6, 154]]),
  ];
  const perChromosome = new GenomeRegionCaller([params]);
  assert.deepEqual(genome.map((s) => perChromosome.add(s).map((r) => [r.chrom, r.start, r.end])), [[['chr1', 500, 900]], [['chr2', 2_000, 3_000]], [['chr3', 3_000, 3_600]]]);
  assert.deepEqual(perChromosome.finish(), []);
  const genomeWide = new GenomeRegionCaller([{ ...params, chooseBySharedPeriod: true }]);
  for (const s of genome) assert.deepEqual(genomeWide.add(s), []);
  assert.deepEqual(genomeWide.finish().map((r) => [r.chrom, r.start, r.end]), [['chr1', 500, 900], ['chr2', 200, 500], ['chr3', 3_000, 3_600]]);
  // chr2's centromere below the threshold (0.3): taken at the fallback threshold, 0.2.
  const faint = [genome[0]!, chromosome('chr2', [[2, 3, 155, 0.3], [20, 10, 500]]), genome[2]!];
  const withFallback = new GenomeRegionCaller([{ ...params, chooseBySharedPeriod: true, fallbackThreshold: 0.2 }]);
  for (const s of faint) withFallback.add(s);
  assert.deepEqual(withFallback.finish().map((r) => [r.chrom, r.start, r.end, r.score]), [['chr1', 500, 900, 900], ['chr2', 200, 500, 300], ['chr3', 3_000, 3_600, 900]]);
  // Without a fallback threshold, nothing fainter is a candidate: chr2 keeps its 5S call.
  const noFallback = new GenomeRegionCaller([{ ...params, chooseBySharedPeriod: true }]);
  for (const s of faint) noFallback.add(s);
  assert.deepEqual(noFallback.finish().map((r) => [r.chrom, r.start]), [['chr1', 500], ['chr2', 2_000], ['chr3', 3_000]]);
});

test('periodFamily: HORs of one monomer are one family, hand-derived', () => {
  // Dimer and trimer HORs of a 301-bp monomer on different chromosomes: unit 301.
  assert.deepEqual(commonUnit([602, 903, 602, 301, 500], 0.02), { unitBp: 301, support: 4 });
  // 500 is not 3 × 170 within 2% of 170 (3.4 bp): per-monomer tolerance.
  assert.equal(isMultipleOf(500, 170, 0.02), false);
  assert.equal(isMultipleOf(508, 170, 0.02), true);
  // Five monomers is beyond MAX_HOR_ORDER.
  assert.equal(isMultipleOf(775, 155, 0.02), false);
  assert.equal(sameFamily(301, 903, 0.02) && sameFamily(903, 301, 0.02) && !sameFamily(602, 903, 0.02), true);
  // Ties go to the larger unit: 155 and 77.5 explain the same periods.
  assert.deepEqual(commonUnit([155, 155, 310], 0.02), { unitBp: 155, support: 3 });
  assert.equal(commonUnit([], 0.02), undefined);
});

test('chooseBySharedPeriod: chromosome-specific HORs vote for their monomer', () => {
  const genome: ChromosomeCandidates[] = [
    { called: [candidate('chr1', 0, 9, 602)], faint: [] },
    { called: [candidate('chr2', 0, 9, 903)], faint: [] },
    { called: [candidate('chr3', 0, 30, 500), candidate('chr3', 800, 2, 301)], faint: [] },
  ];
  assert.deepEqual(picked(chooseBySharedPeriod(genome, 0.02)), ['chr1:0', 'chr2:0', 'chr3:800']);
});

test('regionParams: the genome-wide choice applies only while one call per chromosome is asked for', async () => {
  const model = await new ModelRepository(MODELS).load('centromere@7');
  assert.equal(regionParams(model, 'centromere').chooseBySharedPeriod, true);
  assert.equal(regionParams(model, 'centromere', { topN: 0 }).chooseBySharedPeriod, false);
  assert.equal(regionParams(model, 'centromere', { topN: 3 }).chooseBySharedPeriod, false);
  assert.equal(regionParams(await new ModelRepository(MODELS).load('centromere@6'), 'centromere').chooseBySharedPeriod, false);
});
