import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bp } from '../genome.js';
import { AtomicFile } from '../writers/atomicFile.js';
import {
  MARKS,
  MOTIFS,
  STREAM,
  checkEpigenomeOptions,
  planEpigenomeChromosome,
  type EpigenomeChromosomePlan,
  type EpigenomeOptions,
  type Mark,
  type MarkPeak,
} from './epigenomeLayout.js';
import { FastaWriter, bed6 } from './fastaWriter.js';
import { Random, deriveSeed } from './random.js';
import { ascii, fillBackground, reverseComplement, type BackgroundModel } from './sequenceSynth.js';

/**
 * Writes a simulated epigenome (issue 4) into a directory:
 *   genome.fa, genome.fa.fai     the sequence: rice-like background, planted promoter contexts and motifs
 *   genes.bed                    BED6, name `<id>:<class>` (the class decides the marks, see epigenomeLayout.ts)
 *   motifs.bed                   every planted motif site (name = motif, strand = orientation)
 *   <mark>.peaks.bed             the truth per mark (BED6, overlapping peaks merged), after label noise
 *   <mark>.coverage.bedgraph     a ChIP-like coverage track per 100-bp bin: peak height plus noise
 *   params.json                  rules, motifs and per-chromosome counts
 * Every file is written under a temporary name and renamed into place when all are complete.
 */
const BACKGROUND: BackgroundModel = { gc: 0.43, gcWindowSd: 0.015, cpgDepletion: 0.45 };
const COVERAGE_BIN_BP = 100;

export interface EpigenomeSummary {
  chromosomes: number;
  bases: Bp;
  genes: number;
  peaks: Record<Mark, number>;
}

function synthesize(out: Uint8Array, plan: EpigenomeChromosomePlan, seed: number, index: number): void {
  const random = new Random(deriveSeed(seed, STREAM.sequence, index));
  fillBackground(out, 0, plan.lengthBp, BACKGROUND, random);
  for (const c of plan.contexts) fillBackground(out, c.startBp, c.endBp, { gc: c.gc, gcWindowSd: 0, cpgDepletion: 0.2 }, random);
  const forward = Object.fromEntries(Object.entries(MOTIFS).map(([k, v]) => [k, ascii(v)])) as Record<keyof typeof MOTIFS, Uint8Array>;
  for (const m of plan.motifs) out.set(m.strand === '+' ? forward[m.name] : reverseComplement(forward[m.name]), m.startBp);
}

/** Overlapping or touching peaks of one mark become one (the higher height). */
function mergePeaks(peaks: MarkPeak[]): MarkPeak[] {
  const merged: MarkPeak[] = [];
  for (const p of peaks) {
    const last = merged.at(-1);
    if (last && p.startBp <= last.endBp) {
      last.endBp = Math.max(last.endBp, p.endBp);
      last.height = Math.max(last.height, p.height);
    } else merged.push({ ...p });
  }
  return merged;
}

/** Coverage per bin: the height of the peak covering the bin's centre plus |noise|, 2 decimals, runs merged. */
function coverageLines(name: string, lengthBp: Bp, peaks: MarkPeak[], random: Random): string {
  let out = '';
  let runStart = 0;
  let runValue = '';
  let k = 0;
  for (let start = 0; start < lengthBp; start += COVERAGE_BIN_BP) {
    const centre = start + COVERAGE_BIN_BP / 2;
    while (k < peaks.length && peaks[k]!.endBp <= centre) k++;
    const inPeak = k < peaks.length && peaks[k]!.startBp <= centre ? peaks[k]!.height : 0;
    const value = (inPeak + Math.abs(random.normal()) * (inPeak ? 3 : 1)).toFixed(2);
    if (value !== runValue) {
      if (runValue) out += `${name}\t${runStart}\t${start}\t${runValue}\n`;
      runStart = start;
      runValue = value;
    }
  }
  if (runValue) out += `${name}\t${runStart}\t${lengthBp}\t${runValue}\n`;
  return out;
}

export async function writeEpigenome(dir: string, options: EpigenomeOptions): Promise<EpigenomeSummary> {
  checkEpigenomeOptions(options);
  await mkdir(dir, { recursive: true });
  const fasta = await FastaWriter.create(join(dir, 'genome.fa'));
  const names = ['genome.fa.fai', 'genes.bed', 'motifs.bed', ...MARKS.flatMap((m) => [`${m}.peaks.bed`, `${m}.coverage.bedgraph`]), 'params.json'];
  const files = new Map<string, AtomicFile>();
  for (const n of names) files.set(n, await AtomicFile.create(join(dir, n)));
  const file = (n: string) => files.get(n)!;
  const summary: EpigenomeSummary = { chromosomes: options.chromosomes, bases: 0, genes: 0, peaks: { H3K4me3: 0, H3K27me3: 0, H3K9ac: 0 } };
  const layout: object[] = [];
  const buffer = new Uint8Array(options.chromosomeBp);
  try {
    for (const m of MARKS) await file(`${m}.coverage.bedgraph`).write(`track type=bedGraph name="${m} coverage" description="simulated ${m} ChIP-like coverage"\n`);
    for (let i = 0; i < options.chromosomes; i++) {
      const plan = planEpigenomeChromosome(options, i);
      synthesize(buffer, plan, options.seed, i);
      await file('genome.fa.fai').write(await fasta.write(plan.name, `simulated epigenome chromosome (genomeinfer, seed ${options.seed})`, buffer));
      await file('genes.bed').write(plan.genes.map((g) => bed6(plan.name, g.startBp, g.endBp, `${g.id}:${g.geneClass}`, 0, g.strand)).join(''));
      await file('motifs.bed').write(plan.motifs.map((m) => bed6(plan.name, m.startBp, m.startBp + MOTIFS[m.name].length, m.name, 0, m.strand)).join(''));
      const signal = new Random(deriveSeed(options.seed, STREAM.signal, i));
      for (const mark of MARKS) {
        const peaks = mergePeaks(plan.peaks.filter((p) => p.mark === mark));
        summary.peaks[mark] += peaks.length;
        await file(`${mark}.peaks.bed`).write(peaks.map((p) => bed6(plan.name, p.startBp, p.endBp, mark, Math.min(1000, Math.round(p.height * 25)), '.')).join(''));
        await file(`${mark}.coverage.bedgraph`).write(coverageLines(plan.name, plan.lengthBp, peaks, signal));
      }
      const classes: Record<string, number> = {};
      for (const g of plan.genes) classes[g.geneClass] = (classes[g.geneClass] ?? 0) + 1;
      layout.push({ name: plan.name, lengthBp: plan.lengthBp, genes: plan.genes.length, geneClasses: classes, enhancers: plan.enhancers.length, motifs: plan.motifs.length });
      summary.bases += plan.lengthBp;
      summary.genes += plan.genes.length;
    }
    const json = { generator: 'genomeinfer simulate --epigenome', seed: options.seed, chromosomeBp: options.chromosomeBp, marks: MARKS, motifs: MOTIFS, layout };
    await file('params.json').write(`${JSON.stringify(json, null, 2)}\n`);
    await fasta.commit();
    for (const f of files.values()) await f.commit();
  } catch (err) {
    await fasta.abort();
    await Promise.all([...files.values()].map((f) => f.abort()));
    throw err;
  }
  return summary;
}
