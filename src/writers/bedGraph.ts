import type { StitchedChromosome } from '../stitching/chromosomeStitcher.js';
import type { AtomicFile } from './atomicFile.js';

/** Probabilities are written with 6 decimals: ample for a [0, 1] value, and deterministic. */
export function formatProbability(p: number): string {
  return p.toFixed(6);
}

export function bedGraphTrackLine(model: string, label: string): string {
  return `track type=bedGraph name="${model} ${label}" description="${model} ${label} probability per bin"\n`;
}

/**
 * Values below this (in magnitude) are formatted by hand (writeFixed6): p × 10^6 of a float32
 * is exact there, so rounding it is what toFixed(6) does. Larger ones (never a probability)
 * and non-float32 ones go through toFixed.
 */
const BY_HAND_BELOW = 1e8;

/**
 * What formatProbability(x) writes, as a number where x is formatted by hand (±(round(|x| ×
 * 10^6) + 1), the sign x's, so "-0.000000" differs from "0.000000"), else the string itself.
 * Two bins fall into one bedGraph line exactly when their keys are equal.
 */
function fixed6Key(x: number): number | string {
  if (Math.fround(x) !== x || !(Math.abs(x) < BY_HAND_BELOW)) return formatProbability(x);
  // toFixed picks the larger n when two are equally close: Math.round does for |x| ≥ 0.
  const n = Math.round(Math.abs(x) * 1e6) + 1;
  return x < 0 ? -n : n;
}

/** Room a line needs besides its chromosome name: two uint32 coordinates, three tabs, a newline and a hand-formatted value ("-99999999.999999", with a digit to spare). */
const LINE_BYTES = 2 * 10 + 4 + 17;

/**
 * Writes the bedGraph lines of one label over one chromosome straight into `file`'s staging
 * buffer (AtomicFile.stageRoom): one interval per run of bins with the same formatted value
 * (formatProbability), the last one clipped to the chromosome's end. No string per line or
 * value: a short scaffold's few lines, for each of 20,000 scaffolds, cost more as strings
 * than the bins took to predict.
 */
export function stageBedGraph(file: AtomicFile, s: StitchedChromosome, labelIndex: number): void {
  const p = s.probs[labelIndex]!;
  const { binBp } = s;
  const name = s.chrom.name;
  let ascii = true;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) ascii = false;
  const nameRoom = ascii ? name.length : 3 * name.length; // UTF-8 bytes per UTF-16 unit, at most
  let b = 0;
  // Each bin is keyed once (the run's end is the next run's start), and not at all when it
  // equals the bin before it.
  let key = p.length > 0 ? fixed6Key(p[0]!) : 0;
  while (b < p.length) {
    let e = b + 1;
    let next = key;
    while (e < p.length && (p[e] === p[e - 1] || (next = fixed6Key(p[e]!)) === key)) e++;
    const value = typeof key === 'string' ? key : undefined;
    const bytes = file.stageRoom(nameRoom + LINE_BYTES + (value?.length ?? 0));
    let at = file.stagedEnd;
    // A short name by hand: a native write per line cost as much as the rest of the line.
    if (ascii) for (let i = 0; i < name.length; i++) bytes[at++] = name.charCodeAt(i);
    else at += bytes.write(name, at, 'utf8');
    bytes[at++] = 0x09;
    at = writeUint(bytes, at, b * binBp);
    bytes[at++] = 0x09;
    at = writeUint(bytes, at, Math.min(e * binBp, s.chrom.length));
    bytes[at++] = 0x09;
    at = value === undefined ? writeFixed6(bytes, at, key as number) : at + bytes.write(value, at, 'latin1');
    bytes[at++] = 0x0a;
    file.staged(at);
    b = e;
    key = next;
  }
}

/** Decimal digits of a non-negative integer below 2^53 at `at`; returns the byte after them. */
function writeUint(bytes: Uint8Array, at: number, n: number): number {
  let digits = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    bytes[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

/** A fixed6Key number as toFixed(6) writes it: sign, integer part, '.', six decimals. */
function writeFixed6(bytes: Uint8Array, at: number, key: number): number {
  if (key < 0) bytes[at++] = 0x2d; // '-'
  const n = Math.abs(key) - 1;
  const whole = Math.floor(n / 1e6);
  at = writeUint(bytes, at, whole);
  bytes[at++] = 0x2e; // '.'
  let frac = n - whole * 1e6;
  for (let i = at + 5; i >= at; i--) {
    bytes[i] = 0x30 + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return at + 6;
}
