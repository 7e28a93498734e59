import { intersectionBp, totalBp, type Interval } from './intervals.js';

/**
 * Pure metric functions. A metric whose denominator is 0 is `null` (JSON null, "n/a" in
 * text), never NaN: e.g. precision with no predicted positives.
 */

export interface ConfusionCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface BinaryMetrics extends ConfusionCounts {
  /** TP / (TP + FP); null without predicted positives. */
  precision: number | null;
  /** TP / (TP + FN); null without truth positives. */
  recall: number | null;
  /**
   * 2TP / (2TP + FP + FN), the harmonic mean of precision and recall written so it stays
   * defined (0) when only one of them is: null only when neither side has a positive.
   */
  f1: number | null;
  /** Jaccard index TP / (TP + FP + FN); null when neither side has a positive. */
  iou: number | null;
  /**
   * Matthews correlation (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)); null when any
   * of the four margins is 0 (all bins on one side of truth or of the prediction), where the
   * correlation is undefined.
   */
  mcc: number | null;
}

/** Adds the confusion counts of two 0/1 label arrays of equal length to `counts`. */
export function addConfusion(counts: ConfusionCounts, truth: ArrayLike<number>, pred: ArrayLike<number>): void {
  if (truth.length !== pred.length) throw new Error(`label arrays differ in length: ${truth.length} vs ${pred.length}`);
  for (let i = 0; i < truth.length; i++) {
    if (truth[i]) {
      if (pred[i]) counts.tp++;
      else counts.fn++;
    } else if (pred[i]) counts.fp++;
    else counts.tn++;
  }
}

export function binaryMetrics({ tp, fp, fn, tn }: ConfusionCounts): BinaryMetrics {
  const ratio = (num: number, den: number) => (den === 0 ? null : num / den);
  const margins = [tp + fp, tp + fn, tn + fp, tn + fn];
  const mcc = margins.includes(0) ? null : (tp * tn - fp * fn) / Math.sqrt(margins.reduce((a, b) => a * b, 1));
  return {
    tp,
    fp,
    fn,
    tn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    iou: ratio(tp, tp + fp + fn),
    mcc,
  };
}

/**
 * ROC AUC of `scores` against 0/1 `truth`: the Mann–Whitney U of the positives over the
 * negatives divided by nPos·nNeg, with tied scores given their mid-rank (so a tie between a
 * positive and a negative counts one half). Null without a positive or without a negative.
 */
export function rocAuc(scores: ArrayLike<number>, truth: ArrayLike<number>): number | null {
  let nPos = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i]) nPos++;
  const positives = new Float64Array(nPos);
  const negatives = new Float64Array(truth.length - nPos);
  let p = 0;
  let n = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i]) positives[p++] = scores[i]!;
    else negatives[n++] = scores[i]!;
  }
  return rocAucOfGroups(positives, negatives);
}

/**
 * `rocAuc` from the scores of the positives and of the negatives (both finite; sorted in
 * place). Walking the two sorted arrays together gives the ranks of the pooled scores
 * without sorting the pool: each run of equal values takes ranks r+1 … r+k and each of its
 * members the mid-rank r + (k+1)/2. Ranks and rank sums are multiples of ½ below 2^52 for
 * any genome-scale bin count, so the sums are exact.
 */
export function rocAucOfGroups(positives: Float64Array, negatives: Float64Array): number | null {
  const nPos = positives.length;
  const nNeg = negatives.length;
  if (nPos === 0 || nNeg === 0) return null;
  positives.sort();
  negatives.sort();
  let i = 0;
  let j = 0;
  let ranked = 0;
  let positiveRankSum = 0;
  while (i < nPos || j < nNeg) {
    const value = j >= nNeg || (i < nPos && positives[i]! <= negatives[j]!) ? positives[i]! : negatives[j]!;
    let tiedPos = 0;
    let tiedNeg = 0;
    while (i < nPos && positives[i] === value) {
      i++;
      tiedPos++;
    }
    while (j < nNeg && negatives[j] === value) {
      j++;
      tiedNeg++;
    }
    const tied = tiedPos + tiedNeg;
    // NaN equals nothing, so the walk would stop advancing; the readers never produce one.
    if (tied === 0) throw new Error('rocAuc: scores must not be NaN');
    positiveRankSum += tiedPos * (ranked + (tied + 1) / 2);
    ranked += tied;
  }
  const u = positiveRankSum - (nPos * (nPos + 1)) / 2;
  return u / (nPos * nNeg);
}

/**
 * Base-pair IoU |truth ∩ pred| / |truth ∪ pred| of two merged interval lists of one
 * chromosome; null when both are empty.
 */
export function intervalIoU(truth: readonly Interval[], pred: readonly Interval[]): number | null {
  const both = intersectionBp(truth, pred);
  const union = totalBp(truth) + totalBp(pred) - both;
  return union === 0 ? null : both / union;
}
