import type { StitchedChromosome } from '../stitching/chromosomeStitcher.js';

/** Probabilities are written with 6 decimals: ample for a [0, 1] value, and deterministic. */
export function formatProbability(p: number): string {
  return p.toFixed(6);
}

export function bedGraphTrackLine(model: string, label: string): string {
  return `track type=bedGraph name="${model} ${label}" description="${model} ${label} probability per bin"\n`;
}

/**
 * bedGraph lines of one label over one chromosome: one interval per run of bins with the same
 * (formatted) value, the last one clipped to the chromosome's end. Yielded in chunks of at
 * least `chunkChars` characters (the rest at the end), not line by line: a short scaffold's
 * one or two lines then cost one string, not a generator step each.
 */
export function* bedGraphChunks(s: StitchedChromosome, labelIndex: number, chunkChars = 1 << 16): Generator<string> {
  const p = s.probs[labelIndex]!;
  const { binBp } = s;
  const name = s.chrom.name;
  let chunk = '';
  let b = 0;
  // Each bin is formatted once (the run's end is the next run's start), and not at all when
  // it equals the bin before it.
  let value = p.length > 0 ? formatProbability(p[0]!) : '';
  while (b < p.length) {
    let e = b + 1;
    let next = value;
    while (e < p.length && (p[e] === p[e - 1] || (next = formatProbability(p[e]!)) === value)) e++;
    chunk += `${name}\t${b * binBp}\t${Math.min(e * binBp, s.chrom.length)}\t${value}\n`;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
    b = e;
    value = next;
  }
  if (chunk) yield chunk;
}
