import type { Bp } from '../genome.js';
import { BASE_CODE } from './canonicalKmerHashes.js';

/**
 * Tandem-period features: what repeats *next to itself*, and at which period. The eight k-mer
 * features (k ≥ 64) go blind once a satellite's copies differ by more than a few percent;
 * short k-mers still recur one unit apart in an array diverged by 15%.
 *
 * For every start position p of a valid canonical 10-mer (A/C/G/T only; the smaller of the
 * forward and reverse-complement codes, so either strand and inverted blocks read alike),
 * d(p) = p − (the previous start with the same canonical 10-mer), kept when 1 ≤ d ≤
 * MAX_PERIOD_BP, else none. Per bin, pooled over a window of the bin ± WINDOW_FLANK_BP:
 * - `tandem_near_fraction`: share of the window's valid positions with a d (a prior copy
 *   within MAX_PERIOD_BP).
 * - `tandem_period` (bp): the d with the most positions within ±TOLERANCE_BP of it (ties:
 *   the smaller), over d ≥ MIN_PERIOD_BP; then the divisor check: the smallest M/m (m = 6…2)
 *   whose own ±TOLERANCE_BP count is at least DIVISOR_MIN_RATIO of M's, so a dimer or HOR
 *   reports its monomer; then the exact d within ±TOLERANCE_BP of that with the most
 *   positions. 0 when fewer than MIN_NEAR_FRACTION of the valid positions (or fewer than
 *   MIN_NEAR_POSITIONS) have a d.
 * - `tandem_period_share`: share of the window's valid positions whose d lies within
 *   ±TOLERANCE_BP of 1…MAX_MULTIPLE times the period (a copy one or a few units back); 0
 *   without a period.
 * Short k sees diverged copies (a 10-mer survives 15% divergence in both of two copies 4% of
 * the time, a 64-mer never), and its 4^10 last-seen table (4 MB) stays in cache: the scan
 * costs ~15 ns per base, 11-mers (16 MB) cost 3× that. A random 10-mer recurs within 10 kb
 * ~2% of the time, below MIN_NEAR_FRACTION.
 *
 * For the genome-wide family feature the scan also samples the bin's *periodic* positions:
 * starts of the bin itself whose d is within ±TOLERANCE_BP of a multiple (1…MAX_MULTIPLE)
 * of a period ≤ FAMILY_MAX_PERIOD_BP in a window whose share is ≥ FAMILY_MIN_SHARE. Each
 * contributes the canonical FAMILY_K-mer ending where its 10-mer ends (start p − 3), when that
 * is valid and its hash falls in 1/FAMILY_SAMPLING of the code space (a FracMinHash sketch):
 * 13-mers, because two unrelated arrays' sketches must not share codes by chance.
 */
export const TANDEM_K = 10;
export const FAMILY_K = 13;
export const MAX_PERIOD_BP = 10_000;
export const MIN_PERIOD_BP = 7;
export const WINDOW_FLANK_BP = 2_000;
export const TOLERANCE_BP = 2;
export const MIN_NEAR_FRACTION = 0.05;
export const MIN_NEAR_POSITIONS = 20;
export const DIVISOR_MIN_RATIO = 0.15;
export const MAX_DIVISOR = 6;
export const MAX_MULTIPLE = 4;
export const FAMILY_MAX_PERIOD_BP = 2_000;
export const FAMILY_MIN_SHARE = 0.2;
export const FAMILY_SAMPLING = 8;

export const TANDEM_FEATURE_NAMES = ['tandem_near_fraction', 'tandem_period', 'tandem_period_share'] as const;

const CODE_MASK = (1 << (2 * TANDEM_K)) - 1;
const RC_SHIFT = 2 * (TANDEM_K - 1);
const FAMILY_MASK = (1 << (2 * FAMILY_K)) - 1;
const FAMILY_RC_SHIFT = 2 * (FAMILY_K - 1);
/** Ring code of a start without a valid FAMILY_K-mer (codes are < 2^26). */
const NO_CODE = 0xffffffff;
/** Ring entry of a start whose 10-mer is invalid. */
const INVALID = 0xffff;

/** Sampled periodic 13-mer codes, with the bin each came from (bins ascending). */
export interface PeriodicKmers {
  bins: Uint32Array;
  codes: Uint32Array;
}

export interface TandemFeatures {
  nearFraction: Float32Array;
  period: Float32Array;
  periodShare: Float32Array;
  periodic: PeriodicKmers;
}

/** In the family sketch: 1 code in FAMILY_SAMPLING (8 = 2^3: the top 3 bits of a multiplicative hash are 0). */
export function isSampledCode(code: number): boolean {
  return Math.imul(code, 0x9e3779b1) >>> 29 === 0;
}

/**
 * Per-worker tables, reused across chromosomes (the 4-MB last-seen table above all). Neither
 * is cleared per chromosome: clearing the 4-MB table cost more than scanning a short scaffold
 * (20,000 scaffolds: 80 GB of memset). Instead each scan stores positions from its own
 * `origin` on, past every position an earlier scan stored, so older entries read as unseen;
 * and each scan leaves the histogram at zero.
 */
export class TandemWorkspace {
  readonly last = new Int32Array(1 << (2 * TANDEM_K)).fill(-1);
  readonly histogram = new Int32Array(MAX_PERIOD_BP + 1);
  /** Where the next scan's positions start in `last`. */
  private nextOrigin = 0;
  ringD = new Uint16Array(0);
  ringCode = new Uint32Array(0);

  ring(minLength: number): number {
    let size = 1;
    while (size < minLength) size <<= 1;
    if (this.ringD.length < size) {
      this.ringD = new Uint16Array(size);
      this.ringCode = new Uint32Array(size);
    }
    return this.ringD.length - 1;
  }

  /** The origin of a scan of n k-mer starts: after every earlier scan's, the table cleared when int32 would overflow. */
  origin(n: number): number {
    if (this.nextOrigin + n >= 0x7fffffff) {
      this.last.fill(-1);
      this.nextOrigin = 0;
    }
    const origin = this.nextOrigin;
    this.nextOrigin += n;
    return origin;
  }
}

class GrowableUint32 {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/** Positions whose d is within ±TOLERANCE_BP of `centre` (clipped to 1…MAX_PERIOD_BP). */
function around(histogram: Int32Array, centre: number): number {
  let s = 0;
  const lo = Math.max(1, centre - TOLERANCE_BP);
  const hi = Math.min(MAX_PERIOD_BP, centre + TOLERANCE_BP);
  for (let d = lo; d <= hi; d++) s += histogram[d]!;
  return s;
}

/** The multiple (1…MAX_MULTIPLE) of `period` that d is within ±TOLERANCE_BP of, or 0. */
function multipleOf(d: number, period: number): number {
  const m = Math.round(d / period);
  return m >= 1 && m <= MAX_MULTIPLE && Math.abs(d - m * period) <= TOLERANCE_BP ? m : 0;
}

export function tandemFeatures(bases: Uint8Array, binBp: Bp, ws = new TandemWorkspace()): TandemFeatures {
  const n = bases.length;
  const nBins = Math.ceil(n / binBp);
  const nearFraction = new Float32Array(nBins);
  const period = new Float32Array(nBins);
  const periodShare = new Float32Array(nBins);
  const sampledBins = new GrowableUint32();
  const sampledCodes = new GrowableUint32();
  const starts = Math.max(0, n - TANDEM_K + 1);
  const { last, histogram } = ws;
  const origin = ws.origin(starts);
  const mask = ws.ring(binBp + 2 * WINDOW_FLANK_BP + 1);
  const ringD = ws.ringD;
  const ringCode = ws.ringCode;

  // Rolling codes of the k-mer (and FAMILY_K-mer) ending at base `rolled − 1`.
  let f = 0, r = 0, run = 0;
  let ff = 0, fr = 0;
  let rolled = 0;

  let added = 0; // starts [0, added) are in the ring and the window counts
  let removed = 0; // starts [0, removed) have left the window again
  let valid = 0;
  let near = 0;
  for (let b = 0; b < nBins; b++) {
    const binStart = b * binBp;
    const binEnd = Math.min(n, binStart + binBp);
    const windowStart = Math.max(0, binStart - WINDOW_FLANK_BP);
    const windowEnd = Math.min(starts, binEnd + WINDOW_FLANK_BP);
    while (added < windowEnd) {
      // Roll up to the k-mer starting at `added` (k bases the first time, then one per start).
      while (rolled < added + TANDEM_K) {
        const x = BASE_CODE[bases[rolled++]!]!;
        if (x === 255) run = 0;
        else {
          f = ((f << 2) | x) & CODE_MASK;
          r = (r >>> 2) | ((3 - x) << RC_SHIFT);
          ff = ((ff << 2) | x) & FAMILY_MASK;
          fr = (fr >>> 2) | ((3 - x) << FAMILY_RC_SHIFT);
          run++;
        }
      }
      let d = INVALID;
      if (run >= TANDEM_K) {
        const code = f < r ? f : r;
        // Entries below `origin` are an earlier scan's (see TandemWorkspace).
        const prev = last[code]! - origin;
        last[code] = origin + added;
        d = prev >= 0 && added - prev <= MAX_PERIOD_BP ? added - prev : 0;
        ringCode[added & mask] = run >= FAMILY_K ? (ff < fr ? ff : fr) : NO_CODE;
        valid++;
        if (d > 0) {
          near++;
          histogram[d]!++;
        }
      }
      ringD[added & mask] = d;
      added++;
    }
    while (removed < windowStart) {
      const d = ringD[removed & mask]!;
      if (d !== INVALID) {
        valid--;
        if (d > 0) {
          near--;
          histogram[d]!--;
        }
      }
      removed++;
    }
    nearFraction[b] = valid > 0 ? near / valid : 0;
    if (near < MIN_NEAR_POSITIONS || near < MIN_NEAR_FRACTION * valid) continue;

    // The most supported distance among those present in the window.
    let best = 0, mode = 0;
    for (let p = removed; p < added; p++) {
      const d = ringD[p & mask]!;
      if (d === INVALID || d < MIN_PERIOD_BP || d === mode) continue;
      const s = around(histogram, d);
      if (s > best || (s === best && d < mode)) {
        best = s;
        mode = d;
      }
    }
    if (mode === 0) continue;
    let unit = mode;
    for (let m = MAX_DIVISOR; m >= 2; m--) {
      const candidate = Math.round(mode / m);
      if (candidate < MIN_PERIOD_BP) continue;
      if (around(histogram, candidate) >= DIVISOR_MIN_RATIO * best) {
        unit = candidate;
        break;
      }
    }
    let exact = unit, exactCount = -1;
    for (let d = Math.max(MIN_PERIOD_BP, unit - TOLERANCE_BP); d <= Math.min(MAX_PERIOD_BP, unit + TOLERANCE_BP); d++) {
      if (histogram[d]! > exactCount) {
        exactCount = histogram[d]!;
        exact = d;
      }
    }
    let atPeriod = 0;
    for (let m = 1; m <= MAX_MULTIPLE && m * exact - TOLERANCE_BP <= MAX_PERIOD_BP; m++) atPeriod += around(histogram, m * exact);
    const share = atPeriod / valid;
    period[b] = exact;
    periodShare[b] = share;

    if (exact > FAMILY_MAX_PERIOD_BP || share < FAMILY_MIN_SHARE) continue;
    for (let p = binStart; p < Math.min(binEnd, starts); p++) {
      const d = ringD[p & mask]!;
      if (d === INVALID || d === 0 || multipleOf(d, exact) === 0) continue;
      const code = ringCode[p & mask]!;
      if (code === NO_CODE || !isSampledCode(code)) continue;
      sampledBins.push(b);
      sampledCodes.push(code);
    }
  }
  // The window's last distances leave the histogram, which the next scan starts from.
  for (; removed < added; removed++) {
    const d = ringD[removed & mask]!;
    if (d !== INVALID && d > 0) histogram[d]!--;
  }
  return { nearFraction, period, periodShare, periodic: { bins: sampledBins.toArray(), codes: sampledCodes.toArray() } };
}
