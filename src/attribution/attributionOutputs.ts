import { rm } from 'node:fs/promises';
import type { Chromosome } from '../genome.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { BigWigWriter } from '../writers/bigWigWriter.js';
import { BASES, importance, maxAbsDelta, meanDelta, type IsmResult } from './ismAttribution.js';
import { sequenceLogoSvg } from './sequenceLogo.js';

/** The files `attribute --out PREFIX` writes (and an attribution job keeps). */
export interface AttributionPaths {
  /** Per base, the largest |Δ| of its three mutants. */
  maxAbs: string;
  /** Per base, the signed mean Δ of its three mutants. */
  mean: string;
  /** The top positions, largest |importance| first. */
  tsv: string;
  /** Sequence logo of the region. */
  svg: string;
}

export function attributionPaths(prefix: string): AttributionPaths {
  return {
    maxAbs: `${prefix}.attribution.maxabs.bw`,
    mean: `${prefix}.attribution.mean.bw`,
    tsv: `${prefix}.attribution.tsv`,
    svg: `${prefix}.attribution.svg`,
  };
}

/** Default number of positions in the TSV. */
export const DEFAULT_TOP = 100;

/** One position of the region, for tables and JSON answers. */
export interface AttributedBase {
  chrom: string;
  /** 0-based, as BED. */
  start: number;
  ref: string;
  /** Δ per letter A, C, G, T (0 for the reference letter); null where the base was not mutated (N, IUPAC). */
  delta: Record<'A' | 'C' | 'G' | 'T', number | null>;
  maxAbs: number;
  mean: number;
  /** The letter whose Δ has the largest magnitude. */
  strongest: string | null;
}

/**
 * Every mutated base of the region, by |importance| descending (ties: position), the first
 * `top` of them: the logo's tallest letters, above the line (the base supports the label) or
 * below it (the base works against it). Importance is −(mean Δ of the three mutants), not the
 * largest |Δ|: one mutant that creates a site gives a large |Δ| that says nothing about the
 * reference base, and the mean over three dilutes it.
 */
export function topPositions(result: IsmResult, top: number): AttributedBase[] {
  const maxAbs = maxAbsDelta(result);
  const mean = meanDelta(result);
  return rankMutated(result, importance(result).map(Math.abs), top).map((i) => attributedBase(result, i, maxAbs[i]!, mean[i]!));
}

/** Indices (in the region) of the `top` mutated bases of largest `score`, ties by position. */
export function rankMutated(result: IsmResult, score: Float32Array, top: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < score.length; i++) if (!Number.isNaN(result.deltas[i * 4]!)) order.push(i);
  return order.sort((a, b) => score[b]! - score[a]! || a - b).slice(0, top);
}

/** Every base of the region, in order (unmutated ones with null deltas). */
export function everyBase(result: IsmResult): AttributedBase[] {
  const maxAbs = maxAbsDelta(result);
  const mean = meanDelta(result);
  return Array.from(maxAbs, (m, i) => attributedBase(result, i, m, mean[i]!));
}

function attributedBase(result: IsmResult, i: number, maxAbs: number, mean: number): AttributedBase {
  const d = result.deltas.subarray(i * 4, i * 4 + 4);
  const mutated = !Number.isNaN(d[0]!);
  let strongest: string | null = null;
  if (mutated) for (let a = 0, best = -1; a < 4; a++) if (Math.abs(d[a]!) > best && BASES[a] !== result.reference[i]) [best, strongest] = [Math.abs(d[a]!), BASES[a]!];
  const at = (a: number) => (mutated ? d[a]! : null);
  return { chrom: result.region.chrom, start: result.region.start + i, ref: result.reference[i]!, delta: { A: at(0), C: at(1), G: at(2), T: at(3) }, maxAbs, mean, strongest };
}

const num = (x: number | null) => (x === null ? 'NA' : String(Number(x.toPrecision(8))));

/** The TSV: a comment line naming the run, a header, then one line per position (0-based half-open start/end, as BED). */
export function topPositionsTsv(result: IsmResult, top: number): string {
  const lines = [
    `# genomeinfer attribute: model ${result.model}, label ${result.label}, region ${result.region.chrom}:${result.region.start + 1}-${result.region.end}; delta = change of the label's probability summed over bins ${result.affectedBins.start}-${result.affectedBins.end} (${result.binBp} bp) when the base becomes that letter; importance = -mean_delta (positive: the base supports the label); ranked by |importance|, largest first`,
    ['chrom', 'start', 'end', 'ref', 'delta_A', 'delta_C', 'delta_G', 'delta_T', 'max_abs_delta', 'mean_delta', 'strongest_alt', 'importance'].join('\t'),
  ];
  for (const p of topPositions(result, top)) {
    lines.push([p.chrom, p.start, p.start + 1, p.ref, num(p.delta.A), num(p.delta.C), num(p.delta.G), num(p.delta.T), num(p.maxAbs), num(p.mean), p.strongest ?? 'NA', num(p.mean === 0 ? 0 : -p.mean)].join('\t'));
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes the two per-base bigWigs (every chromosome declared, data over the region only), the
 * TSV and the logo. Each appears atomically; when any fails, none is left.
 */
export async function writeAttribution(result: IsmResult, chromosomes: readonly Chromosome[], paths: AttributionPaths, top = DEFAULT_TOP): Promise<string[]> {
  const written: string[] = [];
  try {
    for (const [path, values] of [
      [paths.maxAbs, maxAbsDelta(result)],
      [paths.mean, meanDelta(result)],
    ] as const) {
      const w = await BigWigWriter.create(path, chromosomes, { binBp: 1 });
      try {
        await w.addRange(result.region.chrom, result.region.start, values);
        await w.close();
      } catch (err) {
        await w.abort();
        throw err;
      }
      written.push(path);
    }
    await AtomicFile.writeText(paths.tsv, topPositionsTsv(result, top));
    written.push(paths.tsv);
    await AtomicFile.writeText(paths.svg, sequenceLogoSvg(result));
    written.push(paths.svg);
    return written;
  } catch (err) {
    await Promise.all(written.map((p) => rm(p, { force: true })));
    throw err;
  }
}
