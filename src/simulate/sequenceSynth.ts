import type { Bp } from '../genome.js';
import type { Random } from './random.js';

/**
 * Bases as ASCII codes in Uint8Arrays: the chromosome buffer is written to the FASTA as is.
 * Templates (monomers, consensus sequences) are uppercase; masking ORs 0x20 afterwards.
 */
export const BASE_A = 65;
export const BASE_C = 67;
export const BASE_G = 71;
export const BASE_T = 84;
export const BASE_N = 78;
const BASES = [BASE_A, BASE_C, BASE_G, BASE_T];
const BASE_INDEX = new Int8Array(256).fill(-1);
BASES.forEach((b, i) => {
  BASE_INDEX[b] = i;
  BASE_INDEX[b | 0x20] = i;
});
const COMPLEMENT = new Uint8Array(256).fill(BASE_N);
for (const [a, b] of ['AT', 'CG', 'GC', 'TA', 'NN']) COMPLEMENT[a!.charCodeAt(0)] = b!.charCodeAt(0);

/** GC varies between windows of this size, as it does along real chromosomes. */
const GC_WINDOW_BP = 10_000;

export interface BackgroundModel {
  /** Mean G+C fraction of the output (after CpG depletion). */
  gc: number;
  /** Standard deviation of the GC fraction between 10-kb windows. */
  gcWindowSd: number;
  /** Probability that a G drawn right after a C is redrawn: plant genomes are CpG-depleted. */
  cpgDepletion: number;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Fills out[start, end) with background sequence: independent bases at a window-varying GC,
 * with CpG depletion. Redrawing G after C removes about (gc/2)² × depletion × (1 − gc) of G,
 * so the draw is aimed that much higher to land on `gc`.
 */
export function fillBackground(out: Uint8Array, start: Bp, end: Bp, model: BackgroundModel, random: Random): void {
  const rand = random.next;
  const correction = (model.gc / 2) ** 2 * model.cpgDepletion * (1 - model.gc);
  let prev = 0;
  for (let w = start; w < end; w += GC_WINDOW_BP) {
    const gc = clamp(model.gc + correction + model.gcWindowSd * random.normal(), 0.3, 0.6);
    const c = gc / 2;
    const a = gc + (1 - gc) / 2;
    const wEnd = Math.min(end, w + GC_WINDOW_BP);
    for (let i = w; i < wEnd; i++) {
      let r = rand();
      let b = r < c ? BASE_C : r < gc ? BASE_G : r < a ? BASE_A : BASE_T;
      if (b === BASE_G && prev === BASE_C && rand() < model.cpgDepletion) {
        r = rand();
        b = r < c ? BASE_C : r < gc ? BASE_G : r < a ? BASE_A : BASE_T;
      }
      out[i] = b;
      prev = b;
    }
  }
}

/** A random uppercase sequence at the given GC (templates: monomers, consensus parts). */
export function randomSequence(lengthBp: Bp, gc: number, random: Random): Uint8Array {
  const out = new Uint8Array(lengthBp);
  const c = gc / 2;
  const a = gc + (1 - gc) / 2;
  for (let i = 0; i < lengthBp; i++) {
    const r = random.next();
    out[i] = r < c ? BASE_C : r < gc ? BASE_G : r < a ? BASE_A : BASE_T;
  }
  return out;
}

export function reverseComplement(seq: Uint8Array): Uint8Array {
  const out = new Uint8Array(seq.length);
  for (let i = 0, j = seq.length - 1; j >= 0; i++, j--) out[i] = COMPLEMENT[seq[j]!]!;
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** A base other than `b` (uppercase), uniformly among the three. */
function substitute(b: number, random: Random): number {
  const i = BASE_INDEX[b]!;
  return i < 0 ? BASES[Math.floor(random.next() * 4)]! : BASES[(i + 1 + Math.floor(random.next() * 3)) & 3]!;
}

export interface Divergence {
  /** Substitutions per template base. */
  substitutionRate: number;
  /** Indel events per template base; each is a 1–6 bp insertion or deletion. */
  indelRate: number;
}

/**
 * Writes a diverged copy of `template` into out[at, …), at most `limitBp` bases, and returns
 * how many were written. Events are placed by geometric skips, so an identical run costs one
 * copy, not one random draw per base.
 */
export function writeDiverged(out: Uint8Array, at: Bp, limitBp: Bp, template: Uint8Array, divergence: Divergence, random: Random): Bp {
  const rate = divergence.substitutionRate + divergence.indelRate;
  const end = at + limitBp;
  let t = 0;
  let o = at;
  let nextEvent = random.geometric(rate);
  while (t < template.length && o < end) {
    if (t < nextEvent) {
      const run = Math.min(nextEvent - t, template.length - t, end - o);
      if (run < 32) for (let i = 0; i < run; i++) out[o + i] = template[t + i]!;
      else out.set(template.subarray(t, t + run), o);
      t += run;
      o += run;
      continue;
    }
    if (random.next() * rate < divergence.substitutionRate) {
      out[o++] = substitute(template[t++]!, random);
    } else {
      const lengthBp = 1 + Math.min(5, random.geometric(0.5));
      if (random.chance(0.5)) {
        for (let i = 0; i < lengthBp && o < end; i++) out[o++] = BASES[Math.floor(random.next() * 4)]!;
      } else {
        t += lengthBp;
      }
    }
    nextEvent = t + random.geometric(rate);
  }
  return o - at;
}

/**
 * Writes exactly `lengthBp` bases: a diverged copy of template (read from its start), and if
 * deletions exhaust the template first, random bases for the rest (a short 3′ insertion).
 */
export function writeDivergedExact(out: Uint8Array, at: Bp, lengthBp: Bp, template: Uint8Array, divergence: Divergence, random: Random): void {
  const written = writeDiverged(out, at, lengthBp, template, divergence, random);
  for (let o = at + written; o < at + lengthBp; o++) out[o] = BASES[Math.floor(random.next() * 4)]!;
}

/** Soft-masks out[start, end) as RepeatMasker would: lowercase. */
export function softMask(out: Uint8Array, start: Bp, end: Bp): void {
  for (let i = start; i < end; i++) out[i] = out[i]! | 0x20;
}

/** Copies the `lengthBp` bases before `start` to `end` as a target-site duplication, uppercase. */
export function writeTargetSiteDuplication(out: Uint8Array, start: Bp, end: Bp, lengthBp: Bp): void {
  for (let i = 0; i < lengthBp; i++) out[end + i] = out[start - lengthBp + i]! & 0xdf;
}
