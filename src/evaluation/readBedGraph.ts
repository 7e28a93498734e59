import { binCount, type Bp } from '../genome.js';
import { dataLines, lineError, parseInterval } from './dataLines.js';
import { addValueToBins } from './binLabels.js';
import { checkAgainstGenome, type GenomeLengths } from './readGenome.js';

/** A bedGraph folded into bins of one chromosome: Σ value·bases per bin, and its extent. */
export interface BedGraphBins {
  /** Σ value × bases per bin; may be longer than needed (growth capacity). */
  sums: Float64Array;
  /** The largest end on this chromosome. */
  extentBp: Bp;
}

/**
 * Reads a bedGraph (chrom, start, end, value) straight into per-bin sums, so memory is one
 * number per bin however many lines the file has. Chromosomes are kept in first-seen order.
 * Within a chromosome the intervals must be sorted and must not overlap (as bedGraph writers,
 * ours included, produce); a base with two values would make the bin mean ambiguous.
 */
export async function readBedGraphBins(path: string, binBp: Bp, genome?: GenomeLengths, genomePath?: string): Promise<Map<string, BedGraphBins>> {
  const what = 'probability bedGraph';
  const chromosomes = new Map<string, BedGraphBins>();
  for await (const line of dataLines(path, what)) {
    const { chrom, start, end } = parseInterval(line, path, 'bedGraph', 4);
    const valueField = line.fields[3]!;
    const value = Number(valueField);
    if (!Number.isFinite(value)) {
      throw lineError('bedgraph_invalid', path, line.lineNumber, `value '${valueField}' is not a finite number`);
    }
    checkAgainstGenome(genome, genomePath, chrom, end, path, line.lineNumber);
    let c = chromosomes.get(chrom);
    if (!c) {
      const length = genome?.get(chrom);
      c = { sums: new Float64Array(length !== undefined ? binCount(length, binBp) : 1024), extentBp: 0 };
      chromosomes.set(chrom, c);
    }
    if (start < c.extentBp) {
      throw lineError('bedgraph_invalid', path, line.lineNumber, `${chrom}:${start}-${end} overlaps or precedes the line before it; a bedGraph must be sorted (sort -k1,1 -k2,2n) without overlaps`);
    }
    const bins = binCount(end, binBp);
    if (bins > c.sums.length) {
      const grown = new Float64Array(Math.max(bins, 2 * c.sums.length));
      grown.set(c.sums);
      c.sums = grown;
    }
    addValueToBins(c.sums, start, end, value, binBp);
    c.extentBp = Math.max(c.extentBp, end);
  }
  return chromosomes;
}
