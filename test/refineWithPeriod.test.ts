import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { callRegions } from '../src/regions/callRegions.js';
import { refineWithPeriod } from '../src/regions/refineWithPeriod.js';
import type { StitchedChromosome } from '../src/stitching/chromosomeStitcher.js';
import { parseManifest } from '../src/models/manifest.js';

/** 100-bp bins; `period` (bp) and `share` are the raw tandem tracks. */
function stitched(probs: number[], period: number[], share: number[], length = probs.length * 100): StitchedChromosome {
  return {
    chrom: { name: 'chr1', length }, binBp: 100, labels: ['x'], probs: [Float32Array.from(probs)],
    tandem: { period: Float32Array.from(period), share: Float32Array.from(share) },
  };
}
const call = { threshold: 0.5, minRegionBp: 0, mergeGapBp: 0, topN: 1 };
const span = (s: StitchedChromosome, minShare: number, periodTolerance: number, mergeGapBp: number) =>
  callRegions(s, 0, { ...call, refineWithPeriod: { minShare, periodTolerance, mergeGapBp } }).map((r) => [r.start, r.end]);

//            bins: 0  1     2    3    4    5    6    7    8    9    10   11   12
const PROBS =      [0, 0,    0,   0.2, 0.9, 0.9, 0.9, 0.3, 0,   0,   0,   0,   0];
const PERIOD =     [0, 155,  154, 156, 155, 155, 157, 155, 152, 500, 500, 155, 0];
const SHARE =      [0, 0.05, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.5, 0.5, 0.3, 0];

test('refineWithPeriod: ends move to the array of the call’s median period, hand-derived', () => {
  // The call is bins 4-6 ([400, 700)); its median period is 155 (155, 155, 157). With a 2%
  // tolerance (3.1 bp) bins 2-8 are its array: bin 1's share is below 0.1, bins 9-10 are
  // another array (a 500-bp unit: 5S next to the centromere).
  assert.deepEqual(span(stitched(PROBS, PERIOD, SHARE), 0.1, 0.02, 0), [[200, 900]]);
  // Tolerance: at least 2 bp, so with 0 bin 8 (152 bp, 3 bp off) drops out.
  assert.deepEqual(span(stitched(PROBS, PERIOD, SHARE), 0.1, 0, 0), [[200, 800]]);
  // A 200-bp merge gap bridges bins 9-10 to bin 11 (same period): [200, 1200).
  assert.deepEqual(span(stitched(PROBS, PERIOD, SHARE), 0.1, 0.02, 200), [[200, 1_200]]);
  // Clipped to the chromosome's length.
  assert.deepEqual(span(stitched(PROBS, PERIOD, SHARE, 1_150), 0.1, 0.02, 200), [[200, 1_150]]);
  // A call overrunning its array into flanks with no period shrinks to the array.
  const overrun = [0, 0, 0, 0, 0.9, 0.9, 0.9, 0.9, 0.9, 0, 0, 0, 0];
  const flankless = [0, 0, 0, 0, 0.3, 0.3, 0.3, 0, 0, 0, 0, 0, 0];
  const regions = callRegions(stitched(overrun, PERIOD, flankless), 0, { ...call, refineWithPeriod: { minShare: 0.1, periodTolerance: 0.02, mergeGapBp: 0 } });
  assert.deepEqual(regions.map((r) => [r.start, r.end, r.peakStart, r.peakEnd, r.score]), [[400, 700, 400, 500, 900]]);
});

test('refineWithPeriod: no period evidence in the call, or no tandem tracks, keeps its ends', () => {
  const none = SHARE.map((v, b) => (b >= 4 && b <= 6 ? 0.05 : v));
  assert.deepEqual(span(stitched(PROBS, PERIOD, none), 0.1, 0.02, 0), [[400, 700]]);
  const bare: StitchedChromosome = { ...stitched(PROBS, PERIOD, SHARE), tandem: undefined };
  assert.deepEqual(callRegions(bare, 0, { ...call, refineWithPeriod: { minShare: 0.1, periodTolerance: 0.02, mergeGapBp: 0 } }).map((r) => [r.start, r.end]), [[400, 700]]);
  // The median of an even count is the mean of the middle two (as numpy's): 153 and 157 → 155,
  // and both are within 2 bp of it (the lower or upper middle alone would keep one of them).
  const even = stitched([0, 0.9, 0.9, 0.9, 0.9, 0], [0, 150, 153, 157, 160, 0], [0, 0.3, 0.3, 0.3, 0.3, 0]);
  const r = callRegions(even, 0, call)[0]!;
  assert.deepEqual((({ start, end }) => [start, end])(refineWithPeriod(r, even.tandem!, 100, 600, { minShare: 0.1, periodTolerance: 0, mergeGapBp: 0 })), [200, 400]);
});

test('manifest: refine_with_period needs both tandem tracks, a number share and tolerance and a bp gap', () => {
  const models = new URL('../../models/centromere/', import.meta.url);
  const v5 = JSON.parse(readFileSync(new URL('5/model.json', models), 'utf8'));
  const v4 = JSON.parse(readFileSync(new URL('4/model.json', models), 'utf8'));
  const withRefine = (m: { postprocess: object }, r: unknown) => ({ ...m, postprocess: { ...m.postprocess, refine_with_period: r } });
  const ok = { min_share: 0.1, period_tolerance: 0.02, merge_gap_bp: 20_000 };
  assert.deepEqual(parseManifest(withRefine(v5, ok), 'm').postprocess.refine_with_period, ok);
  assert.throws(() => parseManifest(withRefine(v4, ok), 'm'), /refine_with_period needs input tracks tandem_period and tandem_period_share/);
  assert.throws(() => parseManifest(withRefine(v5, { min_share: 'low', period_tolerance: 0.02, merge_gap_bp: -1 }), 'm'), /min_share must be a number; postprocess.refine_with_period.merge_gap_bp must be a non-negative integer/);
  assert.throws(() => parseManifest(withRefine(v5, true), 'm'), /postprocess.refine_with_period must be an object/);
});

test('refineWithPeriod: edge share reaches through aged edges, less the trim, never inside the core', () => {
  //              bins: 0  1     2     3     4    5    6    7    8    9     10    11    12 13
  const probs =        [0, 0,    0,    0,    0.9, 0.9, 0.9, 0.9, 0.9, 0,    0,    0,    0, 0];
  const period =       [0, 155,  155,  155,  155, 155, 155, 155, 155, 155,  155,  155,  0, 0];
  const share =        [0, 0.03, 0.05, 0.05, 0.3, 0.3, 0.3, 0.3, 0.3, 0.05, 0.05, 0.03, 0, 0];
  const s = stitched(probs, period, share);
  const ends = (edgeShare: number, edgeTrimBp: number) =>
    callRegions(s, 0, { ...call, refineWithPeriod: { minShare: 0.1, periodTolerance: 0.02, mergeGapBp: 0, edgeShare, edgeTrimBp } }).map((r) => [r.start, r.end]);
  // Core (share ≥ 0.1): bins 4-8. Share ≥ 0.02: bins 1-11, less one 100-bp bin each side: 2-10.
  assert.deepEqual(ends(0.02, 100), [[200, 1_100]]);
  // Share ≥ 0.04: bins 2-10, less one bin: 3-9.
  assert.deepEqual(ends(0.04, 100), [[300, 1_000]]);
  // A trim deeper than the aged edge leaves the core's ends.
  assert.deepEqual(ends(0.02, 300), [[400, 900]]);
  // No trim: the aged runs' own ends.
  assert.deepEqual(ends(0.02, 0), [[100, 1_200]]);
  // An edge share at or above min_share changes nothing.
  assert.deepEqual(ends(0.1, 100), [[400, 900]]);
});

test('manifest: edge_share, edge_trim_bp and choose_by_shared_period are checked', () => {
  const v5 = JSON.parse(readFileSync(new URL('../../models/centromere/5/model.json', import.meta.url), 'utf8'));
  const post = (p: object) => ({ ...v5, postprocess: { ...v5.postprocess, top_n: 1, ...p } });
  const refine = { min_share: 0.1, period_tolerance: 0.02, merge_gap_bp: 20_000, edge_share: 0.02, edge_trim_bp: 2_000 };
  assert.deepEqual(parseManifest(post({ refine_with_period: refine, choose_by_shared_period: true }), 'm').postprocess.refine_with_period, refine);
  assert.throws(() => parseManifest(post({ refine_with_period: { ...refine, edge_share: 'low', edge_trim_bp: 1.5 } }), 'm'), /edge_share must be a number; postprocess.refine_with_period.edge_trim_bp must be a non-negative integer/);
  assert.throws(() => parseManifest(post({ choose_by_shared_period: true }), 'm'), /choose_by_shared_period needs postprocess.refine_with_period and top_n 1/);
  assert.throws(() => parseManifest(post({ refine_with_period: refine, choose_by_shared_period: true, top_n: 2 }), 'm'), /choose_by_shared_period needs/);
  assert.throws(() => parseManifest(post({ refine_with_period: refine, choose_by_shared_period: 'yes' }), 'm'), /choose_by_shared_period must be a boolean/);
});
