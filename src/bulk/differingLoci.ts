import { join } from 'node:path';
import type { Chromosome } from '../genome.js';
import { BigWigTrack } from '../readers/bigwigTrack.js';
import { varietyDir, type VarietyMarker } from './varietyOutputs.js';

/** Loci of the table: windows of this many bases of the reference. */
export const LOCUS_BP = 1000;
/** Rows per mark. */
export const TOP_LOCI = 20;

interface MarkAccumulator {
  label: string;
  varieties: number;
  /** Per chromosome: Σ delta, Σ delta², max |delta| per locus. */
  sums: Map<string, { sum: Float64Array; sumSq: Float64Array; maxAbs: Float32Array }>;
}

/**
 * The panel summary's table of the loci that differ most across varieties, per mark: from
 * the delta bigWigs (variety minus reference, reference coordinates: annotate --delta) of
 * every finished variety that has them, the mean of each 1-kb reference window per variety;
 * loci ranked by the standard deviation of that delta across varieties (population SD, the
 * reference counted as no variety), with its mean and largest |delta|. One variety at a time
 * is read; memory is 20 bytes per locus per mark (~22 MB for rice and 3 marks). Null when no
 * variety has delta tracks.
 */
export async function differingLociTable(outDir: string, markers: readonly VarietyMarker[]): Promise<string | null> {
  const marks = new Map<string, MarkAccumulator>();
  let chromosomes: readonly Chromosome[] | undefined;
  for (const marker of markers) {
    for (const model of marker.models) {
      for (const [l, file] of (model.deltaBigwig ?? []).entries()) {
        const label = `${model.name}:${model.labels[l]}`;
        chromosomes ??= marker.chromosomes;
        let mark = marks.get(label);
        if (!mark) marks.set(label, (mark = { label, varieties: 0, sums: new Map() }));
        const track = await BigWigTrack.open(join(varietyDir(outDir, marker.variety), file), label, chromosomes, 'the reference');
        for (const chrom of chromosomes) {
          const loci = Math.ceil(chrom.length / LOCUS_BP);
          let acc = mark.sums.get(chrom.name);
          if (!acc) mark.sums.set(chrom.name, (acc = { sum: new Float64Array(loci), sumSq: new Float64Array(loci), maxAbs: new Float32Array(loci) }));
          const means = await track.binMeans(chrom.name, 0, loci * LOCUS_BP, LOCUS_BP);
          for (let i = 0; i < loci; i++) {
            const d = means[i]!;
            acc.sum[i] += d;
            acc.sumSq[i] += d * d;
            if (Math.abs(d) > acc.maxAbs[i]!) acc.maxAbs[i] = Math.abs(d);
          }
        }
        mark.varieties++;
      }
    }
  }
  if (marks.size === 0 || !chromosomes) return null;
  const lines = ['mark\trank\tchrom\tstart\tend\tsd_delta\tmean_delta\tmax_abs_delta\tvarieties'];
  for (const mark of [...marks.values()].sort((a, b) => a.label.localeCompare(b.label))) {
    const n = mark.varieties;
    const rows: { chrom: Chromosome; i: number; sd: number; mean: number; maxAbs: number }[] = [];
    for (const chrom of chromosomes) {
      const acc = mark.sums.get(chrom.name)!;
      for (let i = 0; i < acc.sum.length; i++) {
        const mean = acc.sum[i]! / n;
        const sd = Math.sqrt(Math.max(0, acc.sumSq[i]! / n - mean * mean));
        rows.push({ chrom, i, sd, mean, maxAbs: acc.maxAbs[i]! });
      }
    }
    // SD first, then the larger |delta|, then position: a stable order for equal scores.
    rows.sort((a, b) => b.sd - a.sd || b.maxAbs - a.maxAbs || chromosomes!.indexOf(a.chrom) - chromosomes!.indexOf(b.chrom) || a.i - b.i);
    for (const [rank, r] of rows.slice(0, TOP_LOCI).entries()) {
      const start = r.i * LOCUS_BP;
      const end = Math.min(r.chrom.length, start + LOCUS_BP);
      lines.push([mark.label, rank + 1, r.chrom.name, start, end, r.sd.toFixed(4), r.mean.toFixed(4), r.maxAbs.toFixed(4), n].join('\t'));
    }
  }
  return `${lines.join('\n')}\n`;
}
