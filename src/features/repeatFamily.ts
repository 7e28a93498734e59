import type { PeriodicKmers } from './tandemPeriod.js';

/**
 * The genome-wide family feature. A centromeric satellite family sits on all or most
 * chromosomes of a genome; rDNA arrays on one or two. Each sequence's sketch is the set of
 * sampled periodic 11-mers its tandem scan found (src/features/tandemPeriod.ts); the genome's
 * sketches are gathered after one pass over every sequence, so the genome is read once.
 *
 * `family_shared_fraction` per bin: the mean, over the bin's sampled periodic 11-mers (each
 * occurrence counts), of the share of the *other* array-carrying sequences whose sketch holds
 * that 11-mer. A sequence carries arrays when its sketch has ≥ MIN_SKETCH_CODES distinct
 * codes (so thousands of array-free scaffolds do not dilute it). 0 when the bin has fewer
 * than MIN_BIN_CODES sampled occurrences or no other sequence carries arrays.
 */
export const FAMILY_FEATURE_NAMES = ['family_shared_fraction'] as const;
export const MIN_SKETCH_CODES = 16;
export const MIN_BIN_CODES = 4;

function distinctSorted(codes: Uint32Array): Uint32Array {
  const sorted = codes.slice().sort();
  let m = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i]!;
  return sorted.subarray(0, m);
}

/** Index of `code` in the ascending `codes`, or −1. */
function find(codes: Uint32Array, code: number): number {
  let lo = 0, hi = codes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = codes[mid]!;
    if (v === code) return mid;
    if (v < code) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** One Float32Array per sequence (`binCounts[i]` bins), in input order. */
export function familySharedFraction(sequences: readonly PeriodicKmers[], binCounts: readonly number[]): Float32Array[] {
  const sketches = sequences.map((s) => distinctSorted(s.codes));
  const carriers = sketches.map((s) => s.length >= MIN_SKETCH_CODES);
  // Across the carriers' sketches: each code and how many carriers hold it.
  const all = distinctSorted(Uint32Array.from(sketches.flatMap((s, i) => (carriers[i] ? Array.from(s) : []))));
  const holders = new Uint16Array(all.length);
  sketches.forEach((s, i) => {
    if (carriers[i]) for (const code of s) holders[find(all, code)]!++;
  });
  const totalCarriers = carriers.filter(Boolean).length;
  return sequences.map((seq, i) => {
    const out = new Float32Array(binCounts[i]!);
    const others = totalCarriers - (carriers[i] ? 1 : 0);
    if (others === 0) return out;
    const self = carriers[i] ? 1 : 0;
    for (let j = 0; j < seq.bins.length; ) {
      const bin = seq.bins[j]!;
      let sum = 0, count = 0;
      for (; j < seq.bins.length && seq.bins[j] === bin; j++) {
        const at = find(all, seq.codes[j]!);
        // A code of a non-carrier is in no carrier's sketch but possibly in many others'.
        const held = at < 0 ? 0 : holders[at]! - self;
        sum += held / others;
        count++;
      }
      if (count >= MIN_BIN_CODES) out[bin] = sum / count;
    }
    return out;
  });
}
