import { join } from 'node:path';
import type { Bp, Chromosome } from '../genome.js';
import { InputError } from '../errors.js';
import { dataLines, lineError, parseBp, parseInterval } from '../evaluation/dataLines.js';
import { mergeIntervals, totalBp, type Interval } from '../evaluation/intervals.js';
import { checkAgainstGenome, type GenomeLengths } from '../evaluation/readGenome.js';
import type { CentromereCall } from './centromereFigure.js';
import { MARKER_FILE, readMarker, varietyDir, type MarkerModel } from './varietyOutputs.js';

/** The label that makes a model the centromere model (output contract). */
export const CENTROMERE_LABEL = 'centromere';

/** Peak figures of one mark (a label of a non-centromere model) in one variety. */
export interface MarkStats {
  /** The label; `<model>.<label>` where two of the variety's mark models share a label. */
  mark: string;
  peaks: number;
  /** Bases covered by the union of the mark's intervals. */
  coveredBp: Bp;
  peakLengths: Float64Array;
}

/** What the summary needs of one finished variety. */
export interface VarietyResults {
  variety: string;
  /** FASTA order, from annotate.json. */
  chromosomes: Chromosome[];
  /** The centromere calls (FASTA order, then start), or null when no centromere model ran. */
  centromere: CentromereCall[] | null;
  /** Model order, then label order. */
  marks: MarkStats[];
}

/** The variety's chromosome lengths and the marker they come from (named in messages). */
interface Genome {
  lengths: GenomeLengths;
  path: string;
}

/**
 * Reads DIR/<variety>/annotate.json and the BEDs it lists; null when the variety is not
 * finished (no directory or no marker).
 */
export async function readFinishedVariety(outDir: string, variety: string): Promise<VarietyResults | null> {
  if (variety === '' || variety === '.' || variety === '..' || /[/\\]/.test(variety)) {
    throw new InputError('variety_invalid', `variety name '${variety}' cannot be a directory name`);
  }
  const dir = varietyDir(outDir, variety);
  const marker = await readMarker(outDir, variety);
  if (!marker) return null;
  const { chromosomes, models } = marker;
  const genome: Genome = { lengths: new Map(chromosomes.map((c) => [c.name, c.length])), path: join(dir, MARKER_FILE) };

  const centromereModel = models.find((m) => m.labels.includes(CENTROMERE_LABEL));
  const centromere = centromereModel ? await readCentromereCalls(join(dir, centromereModel.bed), centromereModel, genome) : null;

  const markModels = models.filter((m) => m !== centromereModel);
  const labelUses = new Map<string, number>();
  for (const m of markModels) for (const l of m.labels) labelUses.set(l, (labelUses.get(l) ?? 0) + 1);
  const marks: MarkStats[] = [];
  for (const model of markModels) {
    const stats = await readMarkStats(join(dir, model.bed), model, genome);
    for (const s of stats) if (labelUses.get(s.mark)! > 1) s.mark = `${model.name}.${s.mark}`;
    marks.push(...stats);
  }
  return { variety, chromosomes, centromere, marks };
}

/** The name column of a model's BED line, which must be one of the model's labels. */
function checkLabel(fields: string[], model: MarkerModel, path: string, lineNumber: number): string {
  const label = fields[3]!;
  if (!model.labels.includes(label)) {
    throw lineError('bed_invalid', path, lineNumber, `name '${label}' is not a label of model ${model.name} (${model.labels.join(', ')})`);
  }
  return label;
}

/** The centromere-labelled intervals of the centromere model's BED, FASTA order then start. */
async function readCentromereCalls(path: string, model: MarkerModel, genome: Genome): Promise<CentromereCall[]> {
  const calls: CentromereCall[] = [];
  for await (const line of dataLines(path, 'centromere BED')) {
    const { chrom, start, end } = parseInterval(line, path, 'BED', 5);
    checkAgainstGenome(genome.lengths, genome.path, chrom, end, path, line.lineNumber);
    if (checkLabel(line.fields, model, path, line.lineNumber) !== CENTROMERE_LABEL) continue;
    const score = parseBp(line.fields[4], 'score', path, line.lineNumber, 'bed_invalid');
    calls.push({ chrom, start, end, score });
  }
  const rank = new Map([...genome.lengths.keys()].map((name, i) => [name, i]));
  return calls.sort((a, b) => rank.get(a.chrom)! - rank.get(b.chrom)! || a.start - b.start || a.end - b.end);
}

/** Per label of a mark model: peak count, union coverage and peak lengths. */
async function readMarkStats(path: string, model: MarkerModel, genome: Genome): Promise<MarkStats[]> {
  const perLabel = new Map(model.labels.map((l) => [l, { lengths: [] as number[], intervals: new Map<string, Interval[]>() }]));
  for await (const line of dataLines(path, `${model.name} BED`)) {
    const { chrom, start, end } = parseInterval(line, path, 'BED', 4);
    checkAgainstGenome(genome.lengths, genome.path, chrom, end, path, line.lineNumber);
    const acc = perLabel.get(checkLabel(line.fields, model, path, line.lineNumber))!;
    acc.lengths.push(end - start);
    let list = acc.intervals.get(chrom);
    if (!list) acc.intervals.set(chrom, (list = []));
    list.push({ start, end });
  }
  return model.labels.map((mark) => {
    const { lengths, intervals } = perLabel.get(mark)!;
    let coveredBp = 0;
    for (const list of intervals.values()) coveredBp += totalBp(mergeIntervals(list));
    return { mark, peaks: lengths.length, coveredBp, peakLengths: Float64Array.from(lengths) };
  });
}
