import { dataLines, parseInterval } from './dataLines.js';
import { mergeIntervals, type Interval } from './intervals.js';
import { checkAgainstGenome, type GenomeLengths } from './readGenome.js';

/** The intervals of one BED file, per chromosome. */
export interface BedIntervals {
  path: string;
  /** Sorted, merged intervals per chromosome, chromosomes in first-seen order. */
  chromosomes: Map<string, Interval[]>;
  /** Data lines in the file, and those kept by the --label filter (all of them without one). */
  lines: number;
  keptLines: number;
}

export interface ReadBedOptions {
  /** Keep only lines whose name column (4th) equals this. */
  label?: string;
  genome?: GenomeLengths;
  genomePath?: string;
}

/**
 * Reads a BED file (BED3 or wider) into per-chromosome merged intervals. Every data line is
 * checked (shape, end ≥ start, and against --genome when given), whether or not --label
 * keeps it: a malformed file is malformed whatever is being evaluated.
 * `what` names the file in messages, e.g. 'truth BED'.
 */
export async function readBedIntervals(path: string, what: string, options: ReadBedOptions = {}): Promise<BedIntervals> {
  const raw = new Map<string, Interval[]>();
  let lines = 0;
  let keptLines = 0;
  for await (const line of dataLines(path, what)) {
    const { chrom, start, end } = parseInterval(line, path, 'BED', 3);
    checkAgainstGenome(options.genome, options.genomePath, chrom, end, path, line.lineNumber);
    lines++;
    if (options.label !== undefined && line.fields[3] !== options.label) continue;
    keptLines++;
    let list = raw.get(chrom);
    if (!list) raw.set(chrom, (list = []));
    list.push({ start, end });
  }
  const chromosomes = new Map<string, Interval[]>();
  for (const [chrom, list] of raw) chromosomes.set(chrom, mergeIntervals(list));
  return { path, chromosomes, lines, keptLines };
}
