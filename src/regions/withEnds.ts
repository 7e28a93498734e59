import type { Bp } from '../genome.js';
import type { Region } from './callRegions.js';

/**
 * The region with new ends and its peak moved inside them, or unchanged when they are not
 * start < end. Both edge refinements (range head, tandem period) end with it; the score and
 * mass stay those of the bins the region was called on.
 */
export function withEnds(r: Region, start: Bp, end: Bp): Region {
  if (!(start < end)) return r;
  return { ...r, start, end, peakStart: Math.min(Math.max(r.peakStart, start), end - 1), peakEnd: Math.max(Math.min(r.peakEnd, end), start + 1) };
}
