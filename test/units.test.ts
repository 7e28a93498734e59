import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSegments } from '../src/segmenting/segmenter.js';
import { RANGE_REACH_BINS, callRegions, refineWithRanges } from '../src/regions/callRegions.js';
import { ChromosomeStitcher, blendWeight, type StitchedChromosome } from '../src/stitching/chromosomeStitcher.js';
import { Batcher } from '../src/inference/batcher.js';
import { chooseExecutionProvider } from '../src/inference/executionProvider.js';
import { Slots } from '../src/inference/slots.js';
import { encodeOneHot, markGapBins } from '../src/encoding/onehot.js';
import { DeviceError } from '../src/errors.js';

const G = { binBp: 100, segmentBins: 10, contextBins: 2 };

test('planSegments: a length that is not a multiple of the segment ends with a short core', () => {
  const segs = planSegments({ name: 'c', length: 2_550 }, G);
  assert.deepEqual(
    segs.map((s) => [s.coreStart, s.coreEnd, s.inputStart, s.inputEnd, s.firstBin, s.coreBins]),
    [
      [0, 1000, -200, 1200, 0, 10],
      [1000, 2000, 800, 2200, 10, 10],
      [2000, 2550, 1800, 3200, 20, 6],
    ],
  );
});

test('planSegments: a chromosome shorter than one segment gets one padded segment', () => {
  assert.deepEqual(
    planSegments({ name: 'c', length: 1 }, G).map((s) => [s.coreStart, s.coreEnd, s.inputStart, s.inputEnd, s.coreBins]),
    [[0, 1, -200, 1200, 1]],
  );
  assert.equal(planSegments({ name: 'c', length: 0 }, G).length, 0);
});

function stitched(values: number[], length = values.length * 100): StitchedChromosome {
  return { chrom: { name: 'chr1', length }, binBp: 100, labels: ['x'], probs: [Float32Array.from(values)] };
}

test('callRegions: threshold, merge gap, min length, score and peak, hand-derived', () => {
  //          bins: 0    1    2    3    4    5    6    7    8    9
  const s = stitched([0.1, 0.6, 0.9, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8, 0.3], 950);
  const r = callRegions(s, 0, { threshold: 0.5, minRegionBp: 0, mergeGapBp: 100, topN: 0 });
  // bins 1-2 and 4 merge across the 100-bp gap; bin 8 alone; the last bin is clipped to 950.
  assert.deepEqual(
    r.map((x) => [x.start, x.end, x.score, x.peakStart, x.peakEnd]),
    [
      [100, 500, Math.round((1000 * (0.6 + 0.9 + 0.2 + 0.7)) / 4), 200, 300],
      [800, 900, 800, 800, 900],
    ],
  );
  const noMerge = callRegions(s, 0, { threshold: 0.5, minRegionBp: 0, mergeGapBp: 99, topN: 0 });
  assert.deepEqual(noMerge.map((x) => [x.start, x.end]), [[100, 300], [400, 500], [800, 900]]);
  const long = callRegions(s, 0, { threshold: 0.5, minRegionBp: 200, mergeGapBp: 0, topN: 0 });
  assert.deepEqual(long.map((x) => [x.start, x.end]), [[100, 300]]);
  // Top-N ranks by mass: bins 1-2 (0.6 + 0.9) outweigh the single brighter bin 8 (0.8).
  const top1 = callRegions(s, 0, { threshold: 0.5, minRegionBp: 0, mergeGapBp: 0, topN: 1 });
  assert.deepEqual(top1.map((x) => [x.start, x.end]), [[100, 300]]);
  const top2 = callRegions(s, 0, { threshold: 0.5, minRegionBp: 0, mergeGapBp: 0, topN: 2 });
  assert.deepEqual(top2.map((x) => [x.start, x.end]), [[100, 300], [800, 900]]);
  const last = callRegions(stitched([0, 0.9], 150), 0, { threshold: 0.5, minRegionBp: 0, mergeGapBp: 0, topN: 0 });
  assert.deepEqual(last.map((x) => [x.start, x.end, x.peakEnd]), [[100, 150, 150]]);
});

test('callRegions: the fallback threshold calls a chromosome with no bin at the threshold, and only then', () => {
  const faint = stitched([0.05, 0.2, 0.3, 0.1, 0.25, 0.02]);
  const params = { threshold: 0.5, minRegionBp: 0, mergeGapBp: 0, topN: 1 };
  assert.deepEqual(callRegions(faint, 0, params), []);
  // At 0.15: bins 1-2 (mass 0.5) outweigh bin 4 (0.25).
  assert.deepEqual(callRegions(faint, 0, { ...params, fallbackThreshold: 0.15 }).map((x) => [x.start, x.end]), [[100, 300]]);
  // A chromosome with a bin at the threshold keeps the threshold: no fallback calls added.
  const bright = stitched([0.05, 0.2, 0.3, 0.1, 0.6, 0.02]);
  assert.deepEqual(callRegions(bright, 0, { ...params, topN: 0, fallbackThreshold: 0.15 }).map((x) => [x.start, x.end]), [[400, 500]]);
});

test('ChromosomeStitcher crop keeps cores; blend weights overlapping windows; gaps become 0', () => {
  const chrom = { name: 'c', length: 2_000 };
  const segs = planSegments(chrom, G);
  const bins = G.segmentBins + 2 * G.contextBins;
  // Each segment predicts its own index everywhere in its window.
  const out = (k: number) => ({ probs: new Float32Array(bins).fill(k + 1), bins, gapBins: new Uint8Array(bins) });
  const crop = new ChromosomeStitcher(chrom, ['x'], G, 'crop', 2);
  crop.add(segs[1]!, out(1));
  // Gap bins cover the whole input window: core bin 1 is window bin 3 (after 2 context bins).
  crop.add(segs[0]!, { ...out(0), gapBins: Uint8Array.from([1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) });
  assert.deepEqual([...crop.finish().probs[0]!], [1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);

  const blend = new ChromosomeStitcher(chrom, ['x'], G, 'blend', 2);
  blend.add(segs[0]!, out(0));
  blend.add(segs[1]!, out(1));
  const p = blend.finish().probs[0]!;
  // Bin 9 is window bin 11 of segment 0 and window bin 1 of segment 1.
  const w0 = blendWeight(11, bins);
  const w1 = blendWeight(1, bins);
  assert.ok(Math.abs(p[9]! - (w0 * 1 + w1 * 2) / (w0 + w1)) < 1e-6);
  assert.equal(p[0], 1);
  assert.equal(p[19], 2);
  assert.ok(p[10]! > 1 && p[10]! < 2);
});

test('Batcher: full batches go at once, a partial one after maxWait', async () => {
  const sizes: number[] = [];
  const b = new Batcher<number, number>(async (items) => {
    sizes.push(items.length);
    return items.map((x) => x * 10);
  }, { maxBatch: 3, maxWaitMs: 20 });
  const started = performance.now();
  const results = await Promise.all([1, 2, 3, 4].map((x) => b.submit(x)));
  assert.deepEqual(results, [10, 20, 30, 40]);
  assert.deepEqual(sizes, [3, 1]);
  assert.ok(performance.now() - started >= 15, 'the partial batch waited for maxWait');
});

test('Slots bound what is in flight and wake waiters in order', async () => {
  const slots = new Slots(2);
  await slots.acquire();
  await slots.acquire();
  const order: number[] = [];
  const a = slots.acquire().then(() => order.push(1));
  const c = slots.acquire().then(() => order.push(2));
  assert.equal(slots.inUse, 2);
  slots.release();
  slots.release();
  await Promise.all([a, c]);
  assert.deepEqual(order, [1, 2]);
});

test('execution provider: auto falls back to CPU with the reason; cuda fails clearly; cpu never probes', async () => {
  const broken = async () => {
    throw new Error('libcudart.so.12: cannot open shared object file');
  };
  const works = async () => undefined;
  const auto = await chooseExecutionProvider('auto', broken);
  assert.equal(auto.provider, 'cpu');
  assert.match(auto.note, /CPU.*CUDA unavailable: libcudart\.so\.12/);
  assert.equal((await chooseExecutionProvider('auto', works)).provider, 'cuda');
  assert.equal((await chooseExecutionProvider('cuda', works)).provider, 'cuda');
  await assert.rejects(chooseExecutionProvider('cuda', broken), (e: unknown) => e instanceof DeviceError && /--device cuda.*libcudart.*--device cpu/.test(e.message));
  let probed = false;
  const cpu = await chooseExecutionProvider('cpu', async () => {
    probed = true;
  });
  assert.equal(cpu.provider, 'cpu');
  assert.equal(probed, false);
});

test('one-hot: soft-masked bases are bases; N and IUPAC codes are all-zero columns', () => {
  const bases = Buffer.from('ACgtNRYa', 'latin1');
  const out = new Float32Array(4 * bases.length);
  encodeOneHot(bases, out);
  const column = (i: number) => [0, 1, 2, 3].map((c) => out[c * bases.length + i]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(column), [
    [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0],
  ]);
  const gaps = new Uint8Array(4);
  markGapBins(Buffer.from('NNNNacgtNNNaRYKN', 'latin1'), 0, 4, 4, gaps);
  assert.deepEqual([...gaps], [1, 0, 0, 1]);
});

test('refineWithRanges: edges from confident bins near them, median, clamped; others keep the bins', () => {
  // 10 bins of 100 bp on a 950-bp chromosome; a region over bins 2..5 ([200, 600)).
  const s = stitched([0, 0, 0.9, 0.9, 0.9, 0.9, 0, 0, 0, 0], 950);
  const [region] = callRegions(s, 0, { threshold: 0.5, minRegionBp: 0, mergeGapBp: 0, topN: 0 });
  const inside = Float32Array.from([0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  // Every bin says the start is 170 bp and the end 655 bp away from... its own centre, so that
  // all agree on start 80 and end 905 — except bin 5, an outlier the median ignores.
  const toStart = [0, 0, 170, 270, 370, 900].map((d) => Math.log1p(d / 100));
  const toEnd = [0, 0, 655, 555, 455, 0].map((d) => Math.log1p(d / 100));
  const ranges = [Float32Array.from([...toStart, 0, 0, 0, 0]), Float32Array.from([...toEnd, 0, 0, 0, 0]), inside];
  const refined = refineWithRanges(region!, ranges, 100, 950);
  // starts: 250−170=80, 350−270=80, 450−370=80, 550−900=−350 → median 80; ends: 905, 905, 905, 550 → 905
  assert.deepEqual([refined.start, refined.end], [80, 905]);
  assert.ok(refined.peakStart >= refined.start && refined.peakEnd <= refined.end && refined.peakStart < refined.peakEnd);
  const span = (rs: Float32Array[]) => (({ start, end }) => [start, end])(refineWithRanges(region!, rs, 100, 950));
  // Bins without confidence are not asked: the bin-level ends stay.
  assert.deepEqual(span([ranges[0]!, ranges[1]!, new Float32Array(10)]), [200, 600]);
  // Estimates within reach but past the chromosome are clamped to it.
  const past = Float32Array.from(new Array(10).fill(Math.log1p(20)));
  assert.deepEqual(span([past, past, inside]), [0, 950]);
  // Estimates beyond RANGE_REACH_BINS are guesses: ignored, so the bins stay.
  const far = Float32Array.from(new Array(10).fill(Math.log1p(RANGE_REACH_BINS + 5)));
  assert.deepEqual(span([far, far, inside]), [200, 600]);
  const inverted = Float32Array.from(new Array(10).fill(-5));
  assert.deepEqual(span([inverted, inverted, inside]), [200, 600]);
});
