import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { genomeLength, type Bp } from '../genome.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { mapLimit } from './mapLimit.js';
import { renderCentromereFigure, type CentromereCall, type FigureVariety } from './centromereFigure.js';
import { readFinishedVariety, type VarietyResults } from './panelSummaryRead.js';
import { differingLociTable } from './differingLoci.js';
import { readMarker, type VarietyMarker } from './varietyOutputs.js';

export interface PanelSummaryResult {
  /** Finished varieties (those with DIR/<variety>/annotate.json) included in the summary. */
  varieties: number;
  /** Varieties of the manifest not finished yet, in manifest order. */
  missing: string[];
  /** The files written, as DIR/summary/<name>. */
  files: string[];
}

/** Varieties read at once: enough to hide file-system latency, few enough for 2 cores. */
const READ_CONCURRENCY = 4;

/**
 * Rebuilds DIR/summary from the finished varieties of a bulk annotate run (see the output
 * contract), `varieties` being the manifest's variety names in manifest order:
 *
 * - `centromeres.tsv`: `variety chrom start end length score`, one row per variety ×
 *   chromosome (FASTA order), or one per call where a chromosome has several; `.` in the
 *   last four columns where a chromosome has no call. Varieties that ran no centromere model
 *   (labels include "centromere") have no rows.
 * - `centromeres.svg`: the same calls as a figure (see renderCentromereFigure).
 * - `marks.tsv`: `variety mark peaks covered_bp genome_bp covered_fraction median_peak_bp`,
 *   one row per variety × label of its other models (model order, then label order).
 *   covered_bp is the union of the mark's intervals; median_peak_bp is `.` with no peaks.
 *
 * The centromere files are written only when some finished variety ran a centromere model,
 * marks.tsv only when some ran another model; a file not written is removed if an earlier
 * run left one, so DIR/summary never mixes runs. Each file is replaced atomically.
 * Unfinished varieties (no directory or no annotate.json) are skipped and listed in
 * `missing`; a finished variety whose marker or BEDs are malformed is an InputError.
 */
export async function writePanelSummary(outDir: string, varieties: readonly string[]): Promise<PanelSummaryResult> {
  const results = await mapLimit(varieties, READ_CONCURRENCY, (variety) => readFinishedVariety(outDir, variety));
  const finished = results.filter((r): r is VarietyResults => r !== null);
  const missing = varieties.filter((_, i) => results[i] === null);

  const summaryDir = join(outDir, 'summary');
  const files: string[] = [];
  const withCentromeres = finished.filter((v) => v.centromere !== null);
  const outputs: [name: string, text: string | null][] = [
    ['centromeres.tsv', withCentromeres.length ? centromereTable(withCentromeres) : null],
    ['marks.tsv', finished.some((v) => v.marks.length > 0) ? marksTable(finished) : null],
    ['centromeres.svg', withCentromeres.length ? renderCentromereFigure(withCentromeres.map(figureVariety)) : null],
    // Varieties from a VCF with delta tracks (annotate --delta): where they differ most.
    ['differing_loci.tsv', await differingLociTable(outDir, (await Promise.all(finished.map((v) => readMarker(outDir, v.variety)))).filter((m): m is VarietyMarker => m !== undefined))],
  ];
  for (const [name, text] of outputs) {
    const path = join(summaryDir, name);
    if (text === null) {
      await rm(path, { force: true });
    } else {
      await AtomicFile.writeText(path, text);
      files.push(path);
    }
  }
  return { varieties: finished.length, missing, files };
}

function centromereTable(varieties: readonly VarietyResults[]): string {
  const lines = ['variety\tchrom\tstart\tend\tlength\tscore'];
  for (const v of varieties) {
    const byChrom = new Map<string, CentromereCall[]>();
    for (const c of v.centromere!) byChrom.set(c.chrom, [...(byChrom.get(c.chrom) ?? []), c]);
    for (const chrom of v.chromosomes) {
      const onChrom = byChrom.get(chrom.name) ?? [];
      if (onChrom.length === 0) lines.push(`${v.variety}\t${chrom.name}\t.\t.\t.\t.`);
      for (const c of onChrom) lines.push(`${v.variety}\t${chrom.name}\t${c.start}\t${c.end}\t${c.end - c.start}\t${c.score}`);
    }
  }
  return lines.join('\n') + '\n';
}

function marksTable(varieties: readonly VarietyResults[]): string {
  const lines = ['variety\tmark\tpeaks\tcovered_bp\tgenome_bp\tcovered_fraction\tmedian_peak_bp'];
  for (const v of varieties) {
    const genomeBp = genomeLength(v.chromosomes);
    for (const m of v.marks) {
      const fraction = genomeBp > 0 ? (m.coveredBp / genomeBp).toFixed(6) : '.';
      lines.push(`${v.variety}\t${m.mark}\t${m.peaks}\t${m.coveredBp}\t${genomeBp}\t${fraction}\t${median(m.peakLengths)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The median of peak lengths (the mean of the middle two for an even count); `.` for none. */
function median(lengths: Float64Array): string {
  if (lengths.length === 0) return '.';
  const sorted = lengths.slice().sort();
  const mid = sorted.length >> 1;
  const value: Bp = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return String(value);
}

function figureVariety(v: VarietyResults): FigureVariety {
  return { name: v.variety, chromosomes: v.chromosomes, calls: v.centromere! };
}
