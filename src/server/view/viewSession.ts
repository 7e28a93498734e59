import { BigWig } from '@gmod/bbi';
import { open, readFile } from 'node:fs/promises';
import type { Chromosome } from '../../genome.js';

/**
 * What the genome-browser page shows, whichever server mode built it (a job of `serve`, a
 * variety of `genomeinfer view DIR`): the reference, the tracks and where to look first.
 * URLs are the server's own, relative to its origin; the page sends its token with each.
 */
export interface ViewSession {
  title: string;
  /** With sequence (indexed FASTA, bgzip when compressedIndexURL is set), or chromosome sizes only. */
  reference: { id: string; fastaURL: string; indexURL: string; compressedIndexURL?: string } | { id: string; chromSizesURL: string };
  tracks: ViewTrack[];
  /** The highest-scoring region of each label that has any, in label order. */
  topCalls: TopCall[];
  /** Things the user should know about what is (not) shown. */
  notes: string[];
}

export interface ViewTrack {
  name: string;
  format: 'bed' | 'bigwig';
  url: string;
}

export interface TopCall {
  label: string;
  chrom: string;
  /** BED coordinates: 0-based, half-open. */
  start: number;
  end: number;
  score: number;
}

/**
 * The top region of each label in BED text whose name column is the label and whose score
 * column ranks regions (genomeinfer's BED: score = round(1000 × mean probability)). Ties
 * keep the first region in file order, so the answer is deterministic.
 */
export function topCalls(bedText: string, labels: readonly string[]): TopCall[] {
  const best = new Map<string, TopCall>();
  for (const line of bedText.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('track') || line.startsWith('browser')) continue;
    const [chrom, start, end, label, score] = line.split('\t');
    if (chrom === undefined || label === undefined || score === undefined) continue;
    const call = { label, chrom, start: Number(start), end: Number(end), score: Number(score) };
    if (!Number.isFinite(call.start) || !Number.isFinite(call.end) || !Number.isFinite(call.score)) continue;
    const seen = best.get(label);
    if (!seen || call.score > seen.score) best.set(label, call);
  }
  return labels.flatMap((l) => (best.has(l) ? [best.get(l)!] : []));
}

export async function topCallsOfFile(bedPath: string, labels: readonly string[]): Promise<TopCall[]> {
  return topCalls(await readFile(bedPath, 'utf8'), labels);
}

/** `chr2` before `chr10`: the order people expect when no FASTA order is at hand. */
export const naturalOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * Chromosome names and lengths from a bigWig's header (a bigWig lists every chromosome of
 * the genome it was written for, sorted by name for its B+ tree; natural order here).
 */
export async function chromosomesOfBigWig(path: string): Promise<Chromosome[]> {
  const header = await new BigWig({ path }).getHeader();
  return Object.values(header.refsByNumber)
    .map((r) => ({ name: r.name, length: r.length }))
    .sort((a, b) => naturalOrder(a.name, b.name));
}

/** A chrom.sizes file (name TAB length per line), the reference igv.js draws without sequence. */
export const chromSizesText = (chromosomes: readonly Chromosome[]) => chromosomes.map((c) => `${c.name}\t${c.length}\n`).join('');

/** True when the file starts with the gzip magic (a bgzip FASTA needs its .gzi in the browser too). */
export async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await file.close();
  }
}
