/**
 * `genomeinfer evaluate`: the metric functions against hand-derived numbers, the per-chromosome
 * IoU against bedtools, and the CLI's JSON/text output, --label filter and one-line errors.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { binLabels, binMeans, addValueToBins } from '../src/evaluation/binLabels.js';
import { mergeIntervals, type Interval } from '../src/evaluation/intervals.js';
import { binaryMetrics, intervalIoU, rocAuc } from '../src/evaluation/metrics.js';
import { runCli, sh, tempDir } from './helpers.js';

let root: string;
let cleanup: () => void;
let fileCount = 0;

before(() => {
  ({ dir: root, cleanup } = tempDir('genomeinfer-evaluate-'));
});
after(() => cleanup());

/** Writes `lines` (tab-joined rows or raw strings) to a fresh file in the temp dir. */
function file(name: string, lines: (string | (string | number)[])[]): string {
  const path = join(root, `${++fileCount}-${name}`);
  writeFileSync(path, lines.map((l) => (Array.isArray(l) ? l.join('\t') : l)).join('\n') + '\n');
  return path;
}

/** Park–Miller generator: deterministic fixtures (48271 · 2^31 stays below 2^53, so exact). */
function lehmer(seed: number): () => number {
  return () => (seed = (seed * 48271) % 2147483647) / 2147483647;
}

const iv = (pairs: [number, number][]): Interval[] => pairs.map(([start, end]) => ({ start, end }));

/** Runs `evaluate --json …`, expecting success, and returns the parsed object. */
function evaluateJson(args: string[]): any {
  const r = runCli(['evaluate', ...args, '--json']);
  assert.equal(r.status, 0, `evaluate failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * The shared hand-worked example: chr1 of 1,000 bp in 100-bp bins (plus an empty chr2 of
 * 500 bp in the genome file).
 *
 *   bin            0    1    2    3    4    5    6    7    8    9
 *   truth bp     100  100   50    0   50    0    0  100  100  100   → + + + . + . . + + +
 *   pred bp      100   50    0    0   80  100    0    0  100  100   → + + . . + + . . + +
 *   probability  .75  .75  .75  .75  .75  .25  .25  .25  .25  .25
 *
 * TP = bins 0,1,4,8,9 = 5; FP = bin 5 = 1; FN = bins 2,7 = 2; TN = bins 3,6 + chr2's 5 = 7.
 * Bins 1 (pred) and 2, 4 (truth) are covered exactly half: positive.
 */
const TRUTH_LINES = [['chr1', 700, 1000, 'gc_rich'], ['chr1', 0, 250, 'gc_rich'], ['chr1', 400, 450, 'gc_rich']];
const PRED_LINES = [['chr1', 0, 150, 'gc_rich'], ['chr1', 420, 600, 'gc_rich'], ['chr1', 800, 1000, 'gc_rich']];

describe('evaluate: bins, hand-derived', () => {
  test('a bin is positive when at least half of its bases are covered, the last short bin on its own length', () => {
    // bin 2 exactly 50 of 100 (+), bin 5 49 of 100 (−), bin 3 two pieces adding to 50 (+).
    const merged = iv([[0, 250], [300, 330], [370, 390], [520, 569], [700, 1000]]);
    assert.deepEqual([...binLabels(merged, 1000, 100)], [1, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
    // 950 bp: the last bin has 50 bases, so 25 covered is half (+) and 24 is not (−).
    assert.deepEqual([...binLabels(iv([[925, 950]]), 950, 100)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual([...binLabels(iv([[926, 950]]), 950, 100)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(binLabels([], 0, 100).length, 0);
  });

  test('bin means count bases without a bedGraph value as 0', () => {
    const sums = new Float64Array(3);
    addValueToBins(sums, 0, 150, 0.5, 100); // bin 0 full, bin 1 half
    addValueToBins(sums, 150, 200, 0.25, 100); // bin 1's other half
    addValueToBins(sums, 200, 230, 1, 100); // 30 of the last bin's 50 bases
    assert.deepEqual([...binMeans(sums, 250, 100)], [0.5, 0.375, 0.6]);
    assert.deepEqual([...binMeans(undefined, 250, 100)], [0, 0, 0]);
  });

  test('binaryMetrics: precision, recall, F1, IoU, MCC', () => {
    assert.deepEqual(binaryMetrics({ tp: 3, fp: 1, fn: 1, tn: 5 }), {
      tp: 3, fp: 1, fn: 1, tn: 5,
      precision: 0.75, recall: 0.75, f1: 0.75, iou: 0.6,
      mcc: 14 / 24, // (3·5 − 1·1) / √(4·4·6·6)
    });
    // A worse-than-chance prediction: (1·4 − 3·2) / √(4·3·7·6) = −2/√504.
    const m = binaryMetrics({ tp: 1, fp: 3, fn: 2, tn: 4 });
    assert.ok(Math.abs(m.mcc! - -2 / Math.sqrt(504)) < 1e-15, `mcc ${m.mcc}`);
    assert.deepEqual([m.precision, m.recall, m.f1, m.iou], [0.25, 1 / 3, 2 / 7, 1 / 6]);
  });

  test('binaryMetrics: degenerate cases are null, not NaN', () => {
    const none = binaryMetrics({ tp: 0, fp: 0, fn: 0, tn: 10 });
    assert.deepEqual([none.precision, none.recall, none.f1, none.iou, none.mcc], [null, null, null, null, null]);
    // Predictions but no truth: precision 0, recall undefined, F1/IoU 0, MCC undefined.
    const falseAlarms = binaryMetrics({ tp: 0, fp: 2, fn: 0, tn: 8 });
    assert.deepEqual([falseAlarms.precision, falseAlarms.recall, falseAlarms.f1, falseAlarms.iou, falseAlarms.mcc], [0, null, 0, 0, null]);
    // Every bin positive on both sides: perfect, but MCC has an empty margin (no negatives).
    const all = binaryMetrics({ tp: 10, fp: 0, fn: 0, tn: 0 });
    assert.deepEqual([all.precision, all.recall, all.f1, all.iou, all.mcc], [1, 1, 1, 1, null]);
    assert.equal(binaryMetrics({ tp: 0, fp: 0, fn: 0, tn: 0 }).mcc, null);
  });

  test('rocAuc: mid-ranks for ties (hand-computed Mann–Whitney U)', () => {
    // positives 0.9 0.5 0.5 0.2, negatives 0.5 0.3 0.2 0.1. Pooled ranks: 0.1→1, 0.2→2.5 (×2),
    // 0.3→4, 0.5→6 (×3), 0.9→8. Positive rank sum 2.5 + 6 + 6 + 8 = 22.5, U = 22.5 − 4·5/2 = 12.5,
    // AUC = 12.5 / 16.
    const scores = [0.9, 0.5, 0.5, 0.2, 0.5, 0.3, 0.2, 0.1];
    const truth = [1, 1, 1, 1, 0, 0, 0, 0];
    assert.equal(rocAuc(scores, truth), 12.5 / 16);
    assert.equal(rocAuc([0.3, 0.3, 0.3], [1, 0, 1]), 0.5);
    assert.equal(rocAuc([0.9, 0.1, 0.8, 0.2], [1, 0, 1, 0]), 1);
    assert.equal(rocAuc([0.1, 0.9], [1, 0]), 0);
    assert.equal(rocAuc([0.1, 0.9], [1, 1]), null);
    assert.equal(rocAuc([0.1, 0.9], [0, 0]), null);
    assert.equal(rocAuc([], []), null);
  });

  test('rocAuc equals the pairwise definition on many tied scores', () => {
    const random = lehmer(12345);
    const scores = Array.from({ length: 500 }, () => Math.round(random() * 10) / 10);
    const truth = scores.map((s) => (random() < 0.3 + 0.4 * s ? 1 : 0));
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < scores.length; i++) {
      for (let j = 0; j < scores.length; j++) {
        if (!truth[i] || truth[j]) continue;
        pairs++;
        wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    assert.ok(pairs > 10_000);
    assert.equal(rocAuc(scores, truth), wins / pairs);
  });
});

describe('evaluate: intervals', () => {
  test('mergeIntervals: unsorted, overlapping, contained, book-ended and empty intervals', () => {
    assert.deepEqual(
      mergeIntervals(iv([[50, 60], [0, 10], [5, 20], [20, 30], [7, 8], [40, 40], [45, 55]])),
      iv([[0, 30], [45, 60]]),
    );
  });

  test('intervalIoU: |∩| / |∪| in base pairs, null when both are empty', () => {
    // truth 250 + 50 + 300 = 600 bp; pred 150 + 180 + 200 = 530 bp;
    // ∩ = 150 + 30 + 200 = 380 bp; ∪ = 600 + 530 − 380 = 750 bp.
    assert.equal(intervalIoU(iv([[0, 250], [400, 450], [700, 1000]]), iv([[0, 150], [420, 600], [800, 1000]])), 380 / 750);
    assert.equal(intervalIoU([], iv([[0, 10]])), 0);
    assert.equal(intervalIoU(iv([[0, 10]]), iv([[0, 10]])), 1);
    assert.equal(intervalIoU([], []), null);
  });

  test('per-chromosome IoU and region counts agree with bedtools merge/intersect', () => {
    const random = lehmer(7);
    const chroms = [['chrA', 50_000], ['chrB', 30_000], ['chrC', 20_000]] as const;
    const randomBed = (n: number, maxBp: number, skip?: string) =>
      Array.from({ length: n }, () => {
        const [name, length] = chroms[Math.floor(random() * chroms.length)]!;
        const start = Math.floor(random() * (length - maxBp));
        return [name, start, start + 1 + Math.floor(random() * maxBp)] as [string, number, number];
      }).filter(([name]) => name !== skip);
    // Unsorted, overlapping, and chrC has truth but no prediction.
    const truthRows = randomBed(80, 2_000);
    const predRows = randomBed(120, 1_500, 'chrC');
    const truth = file('truth-random.bed', truthRows);
    const pred = file('pred-random.bed', predRows);
    const genome = file('random.genome', chroms.map(([n, l]) => [n, l]));

    const merged = (path: string) => {
      const out = join(root, `${++fileCount}-merged.bed`);
      sh('bash', ['-c', 'bedtools sort -i "$1" | bedtools merge -i - > "$2"', '_', path, out]);
      return out;
    };
    const bpPerChrom = (bed: string) => {
      const bp = new Map<string, number>();
      const counts = new Map<string, number>();
      for (const line of bed.split('\n').filter(Boolean)) {
        const [c, s, e] = line.split('\t');
        bp.set(c!, (bp.get(c!) ?? 0) + Number(e) - Number(s));
        counts.set(c!, (counts.get(c!) ?? 0) + 1);
      }
      return { bp, counts };
    };
    const mt = merged(truth);
    const mp = merged(pred);
    const intersection = bpPerChrom(sh('bedtools', ['intersect', '-a', mt, '-b', mp])).bp;
    const union = bpPerChrom(sh('bash', ['-c', 'cat "$1" "$2" | bedtools sort -i - | bedtools merge -i -', '_', truth, pred])).bp;
    const truthCounts = bpPerChrom(sh('cat', [mt])).counts;
    const predCounts = bpPerChrom(sh('cat', [mp])).counts;

    const report = evaluateJson(['--truth', truth, '--pred', pred, '--genome', genome]);
    assert.deepEqual(report.chromosomes.map((c: any) => c.name), ['chrA', 'chrB', 'chrC']);
    const ious: number[] = [];
    for (const c of report.chromosomes) {
      const expected = (intersection.get(c.name) ?? 0) / union.get(c.name)!;
      assert.equal(c.iou, expected, `${c.name}: iou ${c.iou}, bedtools ${expected}`);
      assert.equal(c.truthRegions, truthCounts.get(c.name) ?? 0, `${c.name} truth regions`);
      assert.equal(c.predRegions, predCounts.get(c.name) ?? 0, `${c.name} pred regions`);
      ious.push(expected);
    }
    assert.equal(report.chromosomes[2].iou, 0); // chrC: truth only
    assert.ok(report.chromosomes[0].iou > 0 && report.chromosomes[0].iou < 1);
    assert.ok(Math.abs(report.meanChromosomeIoU - (ious[0]! + ious[1]! + ious[2]!) / 3) < 1e-15);
  });
});

describe('evaluate: CLI', () => {
  let genome: string;
  let truth: string;
  let pred: string;
  let probs: string;
  before(() => {
    genome = file('genome.fa.fai', [['chr1', 1000, 6, 60, 61], ['chr2', 500, 1030, 60, 61]]);
    truth = file('truth.bed', ['track name=truth', ...TRUTH_LINES]);
    pred = file('pred.bed', PRED_LINES);
    // chr2's first bin is half covered by 0.5 → 0.25; its other bins have no value → 0.
    probs = file('probs.bedgraph', ['track type=bedGraph name="x"', ['chr1', 0, 500, 0.75], ['chr1', 500, 1000, '0.250000'], ['chr2', 0, 50, 0.5]]);
  });

  test('--json: the whole object, hand-derived (see the table above)', () => {
    // AUC: positives .75 ×4 (bins 0,1,2,4), .25 ×3 (7,8,9); negatives .75 (bin 3),
    // .25 ×3 (bins 5, 6, chr2 bin 0), 0 ×4. Each .75 positive: ½ + 3 + 4 = 7.5; each .25
    // positive: 3·½ + 4 = 5.5. U = 4·7.5 + 3·5.5 = 46.5 of 7·8 = 56 pairs.
    const report = evaluateJson(['--truth', truth, '--pred', pred, '--probs', probs, '--genome', genome]);
    assert.deepEqual(report, {
      binBp: 100,
      bins: {
        tp: 5, fp: 1, fn: 2, tn: 7,
        precision: 5 / 6, recall: 5 / 7, f1: 10 / 13, iou: 5 / 8,
        mcc: (5 * 7 - 1 * 2) / Math.sqrt(6 * 7 * 8 * 9),
        auc: 46.5 / 56,
      },
      chromosomes: [
        { name: 'chr1', length: 1000, truthRegions: 3, predRegions: 3, iou: 380 / 750 },
        { name: 'chr2', length: 500, truthRegions: 0, predRegions: 0, iou: null },
      ],
      meanChromosomeIoU: 380 / 750, // chr2 has no truth: left out of the mean
    });
  });

  test('--bin-bp 200 re-bins the same files (hand-derived)', () => {
    // 200-bp bins of chr1: truth bp 200 +, 50 −, 50 −, 100 + (exactly half), 200 +;
    // pred bp 150 +, 0 −, 180 +, 0 −, 200 +. chr2: 3 bins (200, 200, 100 bp), all −.
    // TP = bins 0, 4; FP = bin 2; FN = bin 3; TN = bin 1 + chr2's 3.
    const { bins } = evaluateJson(['--truth', truth, '--pred', pred, '--genome', genome, '--bin-bp', '200']);
    assert.deepEqual([bins.tp, bins.fp, bins.fn, bins.tn], [2, 1, 1, 4]);
    assert.equal(bins.auc, null);
  });

  test('text output: confusion table, n/a, per-chromosome rows', () => {
    const r = runCli(['evaluate', '--truth', truth, '--pred', pred, '--genome', genome]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = r.stdout;
    assert.match(out, /^ {2}pred \+ +5 +1 /m);
    assert.match(out, /^ {2}pred - +2 +7 /m);
    assert.match(out, /^ {2}precision +0\.8333$/m);
    assert.match(out, /^ {2}MCC +0\.6001$/m);
    assert.match(out, /^ {2}ROC AUC +n\/a \(no --probs\)$/m);
    assert.match(out, /^ {2}chr1 +1000 +3 +3 +0\.5067$/m);
    assert.match(out, /^ {2}chr2 +500 +0 +0 +n\/a$/m);
    assert.match(out, /mean IoU over 1 chromosome\(s\) with truth regions: 0\.5067$/m);
    assert.doesNotMatch(out, /note: no --genome/);
  });

  test('without --genome: first-seen order, lengths from the bedGraph extent or the largest BED end', () => {
    const t = file('t-nogenome.bed', [['chrB', 0, 300], ['chrA', 100, 200]]);
    const p = file('p-nogenome.bed', [['chrA', 150, 450], ['chrC', 0, 80]]);
    const byEnds = evaluateJson(['--truth', t, '--pred', p]);
    assert.deepEqual(byEnds.chromosomes.map((c: any) => [c.name, c.length]), [['chrB', 300], ['chrA', 450], ['chrC', 80]]);
    // 3 + 5 + 1 bins. truth +: chrB 0–2, chrA 1; pred +: chrA 1–4 (bin 1 has 50 of 100 bp,
    // bin 4 is 50 bp long and fully covered), chrC 0. TP chrA 1; FP chrA 2–4, chrC 0;
    // FN chrB 0–2; TN chrA 0.
    assert.deepEqual([byEnds.bins.tp, byEnds.bins.fp, byEnds.bins.fn, byEnds.bins.tn], [1, 4, 3, 1]);

    const g = file('nogenome.bedgraph', [['chrA', 0, 2000, 0.5], ['chrD', 0, 100, 1]]);
    const byGraph = evaluateJson(['--truth', t, '--pred', p, '--probs', g]);
    assert.deepEqual(byGraph.chromosomes.map((c: any) => [c.name, c.length]), [['chrB', 300], ['chrA', 2000], ['chrC', 80], ['chrD', 100]]);
    const { tp, fp, fn, tn } = byGraph.bins;
    assert.equal(tp + fp + fn + tn, 3 + 20 + 1 + 1);

    const text = runCli(['evaluate', '--truth', t, '--pred', p]).stdout;
    assert.match(text, /note: no --genome or --probs; chromosome lengths are the largest end in the BEDs/);
    assert.match(runCli(['evaluate', '--truth', t, '--pred', p, '--probs', g]).stdout, /note: no --genome; chromosome lengths are the bedGraph extent/);
  });

  test('--label keeps only lines whose 4th column matches, in both files', () => {
    // Predict-style BED9 with two labels; the cpg_island lines alone would score differently.
    const bed9 = (rows: (string | number)[][], label: string) => rows.map(([c, s, e]) => [c!, s!, e!, label, 500, '.', s!, e!, 0]);
    const t = file('t-labels.bed', [...bed9(TRUTH_LINES, 'gc_rich'), ...bed9([['chr1', 300, 400], ['chr2', 0, 500]], 'cpg_island')]);
    const p = file('p-labels.bed', [...bed9([['chr1', 0, 1000]], 'cpg_island'), ...bed9(PRED_LINES, 'gc_rich')]);
    const gc = evaluateJson(['--truth', t, '--pred', p, '--genome', genome, '--label', 'gc_rich']);
    const plain = evaluateJson(['--truth', truth, '--pred', pred, '--genome', genome]);
    assert.deepEqual(gc, plain);

    const cpg = evaluateJson(['--truth', t, '--pred', p, '--genome', genome, '--label', 'cpg_island']);
    // Truth: chr1 bin 3, chr2 all 5 bins; pred: every chr1 bin.
    assert.deepEqual([cpg.bins.tp, cpg.bins.fp, cpg.bins.fn, cpg.bins.tn], [1, 9, 5, 0]);
    assert.deepEqual(cpg.chromosomes.map((c: any) => [c.truthRegions, c.predRegions, c.iou]), [[1, 1, 0.1], [1, 0, 0]]);

    const text = runCli(['evaluate', '--truth', t, '--pred', p, '--genome', genome, '--label', 'gc_rich']).stdout;
    assert.match(text, /label gc_rich: kept 3 of 5 truth lines, 3 of 4 prediction lines/);

    const typo = runCli(['evaluate', '--truth', t, '--pred', p, '--genome', genome, '--label', 'gc-rich', '--json']);
    assert.equal(typo.status, 0, typo.stderr);
    assert.match(typo.stderr, /warning: --label gc-rich matches none of the 5 lines of truth BED/);
    assert.equal(JSON.parse(typo.stdout).bins.tp, 0);
  });

  test('evaluate --help and the top-level usage list the command', () => {
    const help = runCli(['evaluate', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--truth FILE/);
    assert.match(runCli(['--help']).stdout, /^ {2}evaluate /m);
  });
});

describe('evaluate: bad input → one error line, non-zero exit', () => {
  let genome: string;
  let truth: string;
  let pred: string;
  before(() => {
    genome = file('err-genome.txt', [['chr1', 1000]]);
    truth = file('err-truth.bed', [['chr1', 0, 250]]);
    pred = file('err-pred.bed', [['chr1', 0, 150]]);
  });

  /** Runs evaluate, expects exit `status` and exactly one error line containing every needle. */
  function expectError(args: string[], needles: string[], status = 1): void {
    const r = runCli(['evaluate', ...args]);
    assert.equal(r.status, status, `exit ${r.status}; stderr: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n');
    assert.equal(lines.length, 2, `stderr must be one line: ${JSON.stringify(r.stderr)}`);
    assert.equal(lines[1], '');
    assert.ok(lines[0]!.startsWith('genomeinfer: error: '), lines[0]);
    for (const needle of needles) assert.ok(lines[0]!.includes(needle), `error line lacks ${JSON.stringify(needle)}: ${lines[0]}`);
  }

  test('missing files', () => {
    const missing = join(root, 'no-such.bed');
    expectError(['--truth', missing, '--pred', pred], ['truth BED not found', missing]);
    expectError(['--truth', truth, '--pred', missing], ['prediction BED not found', missing]);
    expectError(['--truth', truth, '--pred', pred, '--probs', missing], ['probability bedGraph not found', missing]);
    expectError(['--truth', truth, '--pred', pred, '--genome', missing], ['genome file not found', missing]);
    const dir = join(root, 'a-directory.bed');
    mkdirSync(dir);
    expectError(['--truth', dir, '--pred', pred], [dir, 'not a regular file']);
  });

  test('malformed BED lines name the file and the line', () => {
    // Line numbers count every line, headers and blank lines included.
    const short = file('short.bed', ['track name=x', ['chr1', 0, 100], '', ['chr1', 200]]);
    expectError(['--truth', short, '--pred', pred], [short, 'line 4', 'expected 3 columns']);
    const word = file('word.bed', [['chr1', 'zero', 100]]);
    expectError(['--truth', truth, '--pred', word], [word, 'line 1', "start 'zero'"]);
    const negative = file('negative.bed', [['chr1', 0, 100], ['chr1', -5, 100]]);
    expectError(['--truth', negative, '--pred', pred], [negative, 'line 2', "start '-5'"]);
    const reversed = file('reversed.bed', [['chr1', 0, 100], ['chr1', 100, 50]]);
    expectError(['--truth', truth, '--pred', reversed], [reversed, 'line 2', 'end 50 is before start 100']);
  });

  test('intervals must fit the --genome', () => {
    const unknown = file('unknown.bed', [['chr1', 0, 100], ['chrZ', 0, 100]]);
    expectError(['--truth', unknown, '--pred', pred, '--genome', genome], [unknown, 'line 2', 'chromosome chrZ is not in the genome file', genome]);
    const past = file('past.bed', [['chr1', 900, 1200]]);
    expectError(['--truth', truth, '--pred', past, '--genome', genome], [past, 'line 1', 'end 1200 is past the end of chr1 (1000 bp']);
    const graph = file('unknown.bedgraph', [['chrZ', 0, 100, 0.5]]);
    expectError(['--truth', truth, '--pred', pred, '--genome', genome, '--probs', graph], [graph, 'line 1', 'chromosome chrZ']);
    const badGenome = file('bad.genome', [['chr1', 'long']]);
    expectError(['--truth', truth, '--pred', pred, '--genome', badGenome], [badGenome, 'line 1', "length 'long'"]);
  });

  test('malformed bedGraph: bad value, overlapping lines', () => {
    const nan = file('nan.bedgraph', ['track type=bedGraph', ['chr1', 0, 100, 'NaN']]);
    expectError(['--truth', truth, '--pred', pred, '--probs', nan], [nan, 'line 2', "value 'NaN'"]);
    const three = file('three.bedgraph', [['chr1', 0, 100]]);
    expectError(['--truth', truth, '--pred', pred, '--probs', three], [three, 'line 1', 'expected 4 columns']);
    const overlap = file('overlap.bedgraph', [['chr1', 0, 100, 0.1], ['chr1', 50, 150, 0.2]]);
    expectError(['--truth', truth, '--pred', pred, '--probs', overlap], [overlap, 'line 2', 'must be sorted']);
  });

  test('usage errors exit 2', () => {
    expectError(['--truth', truth], ['--pred is required'], 2);
    expectError(['--truth', truth, '--pred', pred, '--bin-bp', '0'], ['--bin-bp must be a positive integer'], 2);
    expectError(['--truth', truth, '--pred', pred, '--bogus'], ['evaluate:', 'bogus'], 2);
  });
});
