import type { Bins } from '../genome.js';

/**
 * The runs [start, end) of bins 0…n−1 where `inside(b)` holds, runs at most `gapBins` apart
 * (bins between them) merged into one. Region calling (probability ≥ threshold) and edge
 * refinement (bins of the call's array) both cut a chromosome this way.
 */
export function mergedRuns(n: Bins, inside: (b: number) => boolean, gapBins: Bins): [Bins, Bins][] {
  const runs: [Bins, Bins][] = [];
  for (let b = 0; b < n; ) {
    if (!inside(b)) {
      b++;
      continue;
    }
    let e = b;
    while (e < n && inside(e)) e++;
    const last = runs.at(-1);
    if (last && b - last[1] <= gapBins) last[1] = e;
    else runs.push([b, e]);
    b = e;
  }
  return runs;
}
