import { evaluatePrediction, type EvaluationReport } from '../evaluation/evaluate.js';
import { UsageError } from '../errors.js';
import { parseCommandArgs, positiveInt } from './args.js';

export const EVALUATE_HELP = `usage: genomeinfer evaluate --truth TRUTH.bed --pred PRED.bed [options]

Scores a prediction BED against a truth BED: per bin (precision, recall, F1, IoU, MCC, and
ROC AUC with --probs) and per chromosome (base-pair IoU of the merged intervals).
A bin is positive when at least half of its bases are covered.
  --truth FILE        truth regions, BED3 or wider
  --pred FILE         predicted regions, BED3 or wider (e.g. genomeinfer predict --out)
  --probs FILE        bedGraph of probabilities for ROC AUC (bin score = mean over its bases, 0 where absent)
  --genome FILE       .fai or name/length file: chromosome lengths and order
                      (default: the bedGraph's extent, else the largest end in the BEDs)
  --bin-bp N          bin size in bp (default 100)
  --label NAME        keep only BED lines whose name (4th column) is NAME, in both BEDs
  --json              one JSON object instead of the text table`;

export async function evaluateCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs('evaluate', argv, {
    truth: { type: 'string' },
    pred: { type: 'string' },
    probs: { type: 'string' },
    genome: { type: 'string' },
    'bin-bp': { type: 'string' },
    label: { type: 'string' },
    json: { type: 'boolean' },
  });
  for (const required of ['truth', 'pred'] as const) {
    if (!args[required]) throw new UsageError(`evaluate: --${required} is required (see genomeinfer evaluate --help)`);
  }
  if (args.label === '') throw new UsageError('--label must not be empty');
  const binBp = positiveInt('--bin-bp', args['bin-bp']) ?? 100;
  const report = await evaluatePrediction({
    truthPath: args.truth!,
    predPath: args.pred!,
    probsPath: args.probs,
    genomePath: args.genome,
    binBp,
    label: args.label,
  });
  // A label spelled differently from the files' name column would silently evaluate
  // nothing; say so on stderr, which --json leaves clean.
  for (const [what, path, lines] of [['truth BED', args.truth!, report.truthLines], ['prediction BED', args.pred!, report.predLines]] as const) {
    if (args.label !== undefined && lines.kept === 0 && lines.total > 0) {
      process.stderr.write(`genomeinfer: warning: --label ${args.label} matches none of the ${lines.total} lines of ${what} ${path}\n`);
    }
  }
  if (args.json) {
    const { binBp: bp, bins, chromosomes, meanChromosomeIoU } = report;
    process.stdout.write(`${JSON.stringify({ binBp: bp, bins, chromosomes, meanChromosomeIoU }, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatReport(report, { truth: args.truth!, pred: args.pred!, probs: args.probs, label: args.label }));
}

const LENGTHS_NOTE: Record<EvaluationReport['lengthsFrom'], string | undefined> = {
  genome: undefined,
  bedgraph: 'note: no --genome; chromosome lengths are the bedGraph extent (or a BED end past it)',
  intervals: "note: no --genome or --probs; chromosome lengths are the largest end in the BEDs, so bins after a chromosome's last interval are not counted",
};

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(4));

/** The readable report: header notes, the bin confusion table and metrics, the per-chromosome table. */
function formatReport(r: EvaluationReport, files: { truth: string; pred: string; probs?: string; label?: string }): string {
  const out: string[] = [];
  out.push(`prediction ${files.pred} against truth ${files.truth}, ${r.binBp}-bp bins`);
  if (files.label !== undefined) {
    out.push(`label ${files.label}: kept ${r.truthLines.kept} of ${r.truthLines.total} truth lines, ${r.predLines.kept} of ${r.predLines.total} prediction lines`);
  }
  const note = LENGTHS_NOTE[r.lengthsFrom];
  if (note) out.push(note);

  const b = r.bins;
  const count = (n: number) => String(n).padStart(10);
  const auc = b.auc !== null ? fmt(b.auc) : files.probs === undefined ? 'n/a (no --probs)' : 'n/a (needs truth-positive and truth-negative bins)';
  out.push(
    '',
    `bins: ${r.binCount} on ${r.chromosomes.length} chromosome(s); positive = at least half of the bin's bases covered`,
    `              ${'truth +'.padStart(10)}${'truth -'.padStart(10)}`,
    `  pred +      ${count(b.tp)}${count(b.fp)}    (TP, FP)`,
    `  pred -      ${count(b.fn)}${count(b.tn)}    (FN, TN)`,
    `  precision   ${fmt(b.precision)}`,
    `  recall      ${fmt(b.recall)}`,
    `  F1          ${fmt(b.f1)}`,
    `  IoU         ${fmt(b.iou)}`,
    `  MCC         ${fmt(b.mcc)}`,
    `  ROC AUC     ${auc}`,
  );

  const nameWidth = Math.max('chromosome'.length, ...r.chromosomes.map((c) => c.name.length));
  const lengthWidth = Math.max('length'.length, ...r.chromosomes.map((c) => String(c.length).length));
  const row = (name: string, length: string, truth: string, pred: string, iou: string) =>
    `  ${name.padEnd(nameWidth)}  ${length.padStart(lengthWidth)}  ${truth.padStart(7)}  ${pred.padStart(7)}  ${iou.padStart(7)}`;
  out.push('', 'regions: base-pair IoU of the merged truth and prediction intervals', row('chromosome', 'length', 'truth', 'pred', 'IoU'));
  for (const c of r.chromosomes) out.push(row(c.name, String(c.length), String(c.truthRegions), String(c.predRegions), fmt(c.iou)));
  const withTruth = r.chromosomes.filter((c) => c.truthRegions > 0).length;
  out.push(`  mean IoU over ${withTruth} chromosome(s) with truth regions: ${fmt(r.meanChromosomeIoU)}`);
  return `${out.join('\n')}\n`;
}
