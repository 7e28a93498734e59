import type { Bp } from '../genome.js';
import { UsageError } from '../errors.js';
import { Random, deriveSeed } from './random.js';

/**
 * The planted rules of the simulated epigenome (issue 4): which sequence decides which mark.
 * A model that predicts marks from sequence alone has to learn exactly these rules, and the
 * decoys make each rule a conjunction rather than a single motif:
 *   H3K4me3   the GC-rich promoter context (TSS − 1 kb … TSS + 500) when it carries the
 *             activating motif ACT (ACT in an AT-rich promoter, or a GC-rich promoter
 *             without ACT, stays unmarked)
 *   H3K9ac    those H3K4me3 promoters that also carry the co-activator motif AC2, and
 *             intergenic enhancers: clusters of ≥ 3 ENH motifs, ± 400 bp (a lone ENH stays unmarked)
 *   H3K27me3  1.5 kb either side of a cluster of ≥ 4 PRE motifs at a gene's 5' end (1–2 stay unmarked)
 * All coordinates are 0-based half-open bp.
 */
export const MARKS = ['H3K4me3', 'H3K27me3', 'H3K9ac'] as const;
export type Mark = (typeof MARKS)[number];

export const MOTIFS = {
  /** G-box-like activating element. */
  ACT: 'GCCACGTGGC',
  /** W-box-like co-activator. */
  AC2: 'AATTGACCAA',
  /** GA-repeat Polycomb-response-like element (plant PREs are GA repeats and teloboxes). */
  PRE: 'GAGAGAGAGA',
  /** CRE-like enhancer element. */
  ENH: 'ATGACGTCAT',
} as const;
export type MotifName = keyof typeof MOTIFS;

export type GeneClass = 'active' | 'active_acetylated' | 'motif_at_rich' | 'gc_rich_no_motif' | 'polycomb' | 'pre_sparse' | 'silent';

/** Class frequencies: about half of all promoters are decoys or silent. */
const GENE_CLASSES: [GeneClass, number][] = [
  ['active', 0.27],
  ['active_acetylated', 0.18],
  ['motif_at_rich', 0.1],
  ['gc_rich_no_motif', 0.1],
  ['polycomb', 0.15],
  ['pre_sparse', 0.05],
  ['silent', 0.15],
];

export interface EpigenomeOptions {
  seed: number;
  chromosomes: number;
  chromosomeBp: Bp;
}

/** A planted motif: the sequence writer puts MOTIFS[name] (either strand) at startBp. */
export interface MotifSite {
  name: MotifName;
  startBp: Bp;
  strand: '+' | '-';
}

/** A stretch whose background is drawn at its own GC fraction before motifs are planted. */
export interface GcContext {
  startBp: Bp;
  endBp: Bp;
  gc: number;
}

export interface Gene {
  id: string;
  startBp: Bp;
  endBp: Bp;
  strand: '+' | '-';
  /** Transcription start: startBp on +, endBp on −. */
  tssBp: Bp;
  geneClass: GeneClass;
}

export interface MarkPeak {
  mark: Mark;
  startBp: Bp;
  endBp: Bp;
  /** Coverage-like height of the peak in the simulated signal. */
  height: number;
}

export interface EpigenomeChromosomePlan {
  name: string;
  lengthBp: Bp;
  genes: Gene[];
  enhancers: { startBp: Bp; endBp: Bp; motifs: number }[];
  contexts: GcContext[];
  motifs: MotifSite[];
  /** The truth after label noise (dropped peaks, jittered edges, spurious peaks), sorted. */
  peaks: MarkPeak[];
}

export const STREAM = { layout: 11, sequence: 12, signal: 13 } as const;
const MIN_CHROMOSOME_BP = 100_000;
const MEAN_INTERGENIC_BP = 9_000;
const PROMOTER_BP = 1_000;
const ENHANCERS_PER_MB = 20;
/** Label noise, as ChIP-seq peak calls have: missed peaks, fuzzy edges, false peaks. */
const PEAK_KEEP = 0.97;
const EDGE_JITTER_SD_BP = 60;
const SPURIOUS_PER_MB = 2;

export function checkEpigenomeOptions(o: EpigenomeOptions): void {
  if (!(Number.isInteger(o.chromosomes) && o.chromosomes >= 1 && o.chromosomes <= 50)) throw new UsageError(`--chromosomes must be 1…50, not ${o.chromosomes}`);
  if (!(Number.isInteger(o.chromosomeBp) && o.chromosomeBp >= MIN_CHROMOSOME_BP)) {
    throw new UsageError(`--chromosome-bp must be an integer ≥ ${MIN_CHROMOSOME_BP}, not ${o.chromosomeBp}`);
  }
}

/** Relative to the TSS in the direction of transcription: [TSS + from, TSS + to). */
function aroundTss(g: Gene, from: Bp, to: Bp): [Bp, Bp] {
  return g.strand === '+' ? [g.tssBp + from, g.tssBp + to] : [g.tssBp - to, g.tssBp - from];
}

/** `count` motif sites placed without overlap in [lo, hi), or fewer if it is too crowded. */
function placeMotifs(name: MotifName, count: number, lo: Bp, hi: Bp, taken: MotifSite[], random: Random): MotifSite[] {
  const len = MOTIFS[name].length;
  const placed: MotifSite[] = [];
  for (let i = 0, tries = 0; i < count && tries < 50 * count; tries++) {
    const startBp = random.int(lo, hi - len);
    const clash = [...taken, ...placed].some((m) => startBp < m.startBp + MOTIFS[m.name].length + 2 && m.startBp < startBp + len + 2);
    if (clash) continue;
    placed.push({ name, startBp, strand: random.chance(0.5) ? '+' : '-' });
    i++;
  }
  taken.push(...placed);
  return placed;
}

function planGene(id: string, startBp: Bp, lengthBp: Bp, random: Random): Gene {
  const strand = random.chance(0.5) ? '+' : '-';
  const geneClass = GENE_CLASSES[random.weighted(GENE_CLASSES.map(([, w]) => w))]![0];
  const endBp = startBp + lengthBp;
  return { id, startBp, endBp, strand, tssBp: strand === '+' ? startBp : endBp, geneClass };
}

/** Contexts, motifs and true peaks of one gene, by its class. */
function plantGene(g: Gene, plan: EpigenomeChromosomePlan, random: Random): MarkPeak[] {
  const peaks: MarkPeak[] = [];
  const [pLo, pHi] = aroundTss(g, -PROMOTER_BP, 300);
  const [mLo, mHi] = aroundTss(g, -400, -50);
  // The promoter context: [TSS − 1 kb, TSS + 500) in the direction of transcription.
  const [cLo, cHi] = aroundTss(g, -PROMOTER_BP, 500);
  const context = (gc: number) => plan.contexts.push({ startBp: cLo, endBp: cHi, gc });
  switch (g.geneClass) {
    case 'active':
    case 'active_acetylated': {
      // Promoter marks cover the GC-rich context, which the sequence shows, rather than a
      // span from the TSS, which it does not.
      context(random.uniform(0.57, 0.6));
      placeMotifs('ACT', random.int(1, 3), mLo, mHi, plan.motifs, random);
      peaks.push({ mark: 'H3K4me3', startBp: cLo, endBp: cHi, height: random.uniform(15, 40) });
      if (g.geneClass === 'active_acetylated') {
        placeMotifs('AC2', 2, pLo, pHi, plan.motifs, random);
        peaks.push({ mark: 'H3K9ac', startBp: cLo, endBp: cHi, height: random.uniform(10, 30) });
      }
      break;
    }
    case 'motif_at_rich':
      context(random.uniform(0.3, 0.33));
      placeMotifs('ACT', random.int(1, 3), mLo, mHi, plan.motifs, random);
      break;
    case 'gc_rich_no_motif':
      context(random.uniform(0.57, 0.6));
      if (random.chance(0.5)) placeMotifs('AC2', 2, pLo, pHi, plan.motifs, random);
      break;
    case 'polycomb': {
      // A domain spreading 1.5 kb either side of the PRE cluster near the gene's 5' end.
      const [lo, hi] = aroundTss(g, 0, 1_500);
      const sites = placeMotifs('PRE', random.int(4, 7), lo, hi, plan.motifs, random);
      const first = Math.min(...sites.map((m) => m.startBp));
      const last = Math.max(...sites.map((m) => m.startBp + MOTIFS.PRE.length));
      peaks.push({ mark: 'H3K27me3', startBp: first - 1_500, endBp: last + 1_500, height: random.uniform(8, 20) });
      break;
    }
    case 'pre_sparse': {
      const [lo, hi] = aroundTss(g, 0, 1_500);
      placeMotifs('PRE', random.int(1, 2), lo, hi, plan.motifs, random);
      break;
    }
    case 'silent':
      break;
  }
  return peaks;
}

/** Genes, enhancers, planted motifs and the truth of one chromosome; depends only on the seed and index. */
export function planEpigenomeChromosome(options: EpigenomeOptions, index: number): EpigenomeChromosomePlan {
  const random = new Random(deriveSeed(options.seed, STREAM.layout, index));
  const lengthBp = options.chromosomeBp;
  const name = `chr${index + 1}`;
  const plan: EpigenomeChromosomePlan = { name, lengthBp, genes: [], enhancers: [], contexts: [], motifs: [], peaks: [] };
  const truePeaks: MarkPeak[] = [];
  const margin = 5_000;
  for (let at = margin + Math.round(random.exponential(MEAN_INTERGENIC_BP)); ; ) {
    const geneBp = Math.round(random.logUniform(1_500, 8_000));
    if (at + geneBp + margin > lengthBp) break;
    const gene = planGene(`${name}_g${plan.genes.length + 1}`, at, geneBp, random);
    plan.genes.push(gene);
    truePeaks.push(...plantGene(gene, plan, random));
    at += geneBp + 2 * PROMOTER_BP + Math.round(random.exponential(MEAN_INTERGENIC_BP));
  }
  // Enhancers (and lone-motif decoys) in the space between genes, clear of promoters.
  const wanted = Math.round((ENHANCERS_PER_MB * lengthBp) / 1e6);
  for (let i = 0, tries = 0; i < wanted && tries < 20 * wanted; tries++) {
    const centre = random.int(margin, lengthBp - margin);
    const lo = centre - 150;
    const hi = centre + 150;
    const clear = plan.genes.every((g) => hi + 2 * PROMOTER_BP < g.startBp || lo - 2 * PROMOTER_BP > g.endBp);
    if (!clear || plan.enhancers.some((e) => hi + 1_000 > e.startBp && lo - 1_000 < e.endBp)) continue;
    const cluster = random.chance(0.6);
    const sites = placeMotifs('ENH', cluster ? random.int(3, 5) : 1, lo, hi, plan.motifs, random);
    plan.enhancers.push({ startBp: lo, endBp: hi, motifs: sites.length });
    if (sites.length >= 3) truePeaks.push({ mark: 'H3K9ac', startBp: lo - 400, endBp: hi + 400, height: random.uniform(8, 20) });
    i++;
  }
  plan.contexts.sort((a, b) => a.startBp - b.startBp);
  plan.motifs.sort((a, b) => a.startBp - b.startBp);
  plan.peaks = addLabelNoise(truePeaks, lengthBp, random);
  return plan;
}

function addLabelNoise(peaks: MarkPeak[], lengthBp: Bp, random: Random): MarkPeak[] {
  const clamp = (x: number) => Math.min(lengthBp, Math.max(0, Math.round(x)));
  const out: MarkPeak[] = [];
  for (const p of peaks) {
    if (!random.chance(PEAK_KEEP)) continue;
    const startBp = clamp(p.startBp + EDGE_JITTER_SD_BP * random.normal());
    const endBp = clamp(p.endBp + EDGE_JITTER_SD_BP * random.normal());
    if (endBp - startBp >= 200) out.push({ ...p, startBp, endBp });
  }
  for (const mark of MARKS) {
    const n = random.poisson((SPURIOUS_PER_MB * lengthBp) / 1e6);
    for (let i = 0; i < n; i++) {
      const startBp = random.int(0, lengthBp - 2_000);
      out.push({ mark, startBp, endBp: startBp + random.int(500, 1_500), height: random.uniform(5, 12) });
    }
  }
  return out.sort((a, b) => a.startBp - b.startBp || a.endBp - b.endBp);
}
