import type { Bp } from '../genome.js';

/** A 0-based half-open interval [start, end). */
export interface Interval {
  start: Bp;
  end: Bp;
}

/**
 * Sorted, merged copy: overlapping and book-ended intervals become one (as `bedtools merge`
 * does by default), empty ones are dropped since they cover no base.
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Interval[] = [];
  for (const { start, end } of sorted) {
    const last = merged.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}

/** Bases covered by merged (hence disjoint) intervals. */
export function totalBp(merged: readonly Interval[]): Bp {
  let bp = 0;
  for (const i of merged) bp += i.end - i.start;
  return bp;
}

/** Bases covered by both of two merged interval lists (a two-pointer sweep). */
export function intersectionBp(a: readonly Interval[], b: readonly Interval[]): Bp {
  let bp = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    bp += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
    // Advance whichever ends first: it cannot overlap anything further in the other list.
    if (x.end <= y.end) i++;
    else j++;
  }
  return bp;
}
