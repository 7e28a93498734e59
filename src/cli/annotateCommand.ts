import { InferenceEngine } from '../inference/engine.js';
import { ModelRepository, modelRef } from '../models/repository.js';
import { annotateShard } from '../bulk/annotateRun.js';
import { FAILURES_TSV, varietiesFailedError, writeFailuresTable, type FailureRecord } from '../bulk/failures.js';
import { readManifest } from '../bulk/manifest.js';
import { writePanelSummary } from '../bulk/panelSummary.js';
import { WHOLE_MANIFEST, parseShard, selectVarieties } from '../bulk/shard.js';
import { UsageError } from '../errors.js';
import { ENGINE_ARGS, engineOptions, parseCommandArgs, positiveInt } from './args.js';
import { dryRun } from './annotateDryRun.js';
import { exitCodeForSignal } from './exitCodes.js';
import { ProgressBar } from './progressBar.js';
import { toolVersion } from './version.js';

export const ANNOTATE_HELP = `usage: genomeinfer annotate --manifest FILE --out DIR [--models centromere,histone] [options]

Runs every variety of a manifest through the models: DIR/<variety>/ receives <model>.bed
(regions, name = label) and <model>.<label>.bw (per-bin probabilities) and annotate.json, the
completion marker. A variety directory appears only when complete (it is built under
DIR/.partial/ and renamed), so a run killed at any point loses only the varieties in flight:
re-running skips finished varieties (and redoes those finished with other model versions).
A failing variety is retried, then recorded in DIR/failures.tsv, and the run goes on. At the end
DIR/summary/ is rebuilt from all finished varieties: centromeres.tsv, marks.tsv and
centromeres.svg. Exit status: 0 when every variety of the shard is finished; 1 when some failed
for their input (fix it first); 75 when the machine failed them all (out of memory, disk full,
a killed worker: run again); 2 usage error; 130/143 stopped by SIGINT/SIGTERM.
  --manifest FILE       TSV with a header: variety, fasta, optional fai, gzi, any metadata
                        columns; relative paths are relative to the manifest. Varieties given
                        as VCF samples: vcf + sample columns (optional haplotype, as predict
                        --haplotype) instead of fasta, with the reference named once by
                        --reference; outputs are in reference coordinates, and the VCF is
                        read once per chromosome per group of --vcf-group varieties
  --reference FILE      the indexed reference FASTA the manifest's vcf rows were called against
  --delta               also write, for each vcf row, MODEL.LABEL.delta.bw: the variety's
                        probability minus the reference's, bin by bin in reference
                        coordinates (the reference is predicted once per run; needs --reference)
  --vcf-group N         varieties of one VCF built from one pass over it (default 8); memory
                        grows with N: ~21 bytes per non-reference site per variety
  --out DIR             output directory (shared by all shards)
  --models LIST         comma-separated NAME[@VERSION] (default centromere,histone)
  --shard i/N           run only rows i, i+N, i+2N, … (0 ≤ i < N); shards 0…N-1 cover the
                        manifest exactly once (a Kubernetes Indexed Job passes its index)
  --variety NAME        only this variety of the shard (repeatable): one workflow job per variety
  --dry-run             list each variety of the shard (TSV on stdout: variety, fasta, action,
                        status, detail) with what a run would do: skip it (done) or run it (new,
                        outdated model versions, failed before, or no_input: its FASTA is missing);
                        reads markers and failure records only: no FASTA, no model weights
  --no-summary          skip rebuilding DIR/summary/ and DIR/${FAILURES_TSV} at the end (a workflow's
                        last step runs --summary-only once, instead of every job)
  --concurrency K       varieties in flight at once, sharing the workers (default 2)
  --max-attempts N      tries per variety in this run (default 2); input errors are not retried
  --summary-only        only rebuild DIR/summary/ and DIR/${FAILURES_TSV}
  --workers N, --threads-per-worker N, --max-batch N, --device auto|cpu|cuda, --release-idle-seconds N  as for predict
  --models-dir DIR      model repository (default: GENOMEINFER_MODELS or the bundled models/)`;

export async function annotateCommand(argv: string[]): Promise<number | void> {
  const args = parseCommandArgs('annotate', argv, {
    manifest: { type: 'string' },
    out: { type: 'string' },
    models: { type: 'string' },
    shard: { type: 'string' },
    variety: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    'no-summary': { type: 'boolean' },
    concurrency: { type: 'string' },
    'vcf-group': { type: 'string' },
    delta: { type: 'boolean' },
    'max-attempts': { type: 'string' },
    'summary-only': { type: 'boolean' },
    ...ENGINE_ARGS,
    'models-dir': { type: 'string' },
    reference: { type: 'string' },
  });
  for (const required of ['manifest', 'out'] as const) {
    if (!args[required]) throw new UsageError(`annotate: --${required} is required (see genomeinfer annotate --help)`);
  }
  const modes = (['dry-run', 'summary-only', 'no-summary'] as const).filter((m) => args[m]);
  if (modes.length > 1) throw new UsageError(`annotate: --${modes.join(' and --')} cannot be combined`);
  const outDir = args.out!;
  const bar = new ProgressBar();
  const log = (line: string) => bar.log(`genomeinfer: ${line}`);
  const shard = args.shard ? parseShard(args.shard) : WHOLE_MANIFEST;
  const refs = (args.models ?? 'centromere,histone').split(',').map((s) => s.trim()).filter(Boolean);
  if (!refs.length) throw new UsageError('annotate: --models needs at least one model');
  const engineArgs = engineOptions(args);
  const concurrency = positiveInt('--concurrency', args.concurrency) ?? 2;
  const maxAttempts = positiveInt('--max-attempts', args['max-attempts']) ?? 2;
  if (args.delta && !args.reference) throw new UsageError('annotate: --delta needs --reference FILE (the reference the deltas are taken against)');
  const manifest = await readManifest(args.manifest!, { reference: args.reference });
  const selected = selectVarieties(manifest, shard, args.variety);
  const order = manifest.map((e) => e.variety);
  const finish = async () => {
    const failures = await writeFailuresTable(outDir, order);
    const summary = await writePanelSummary(outDir, order);
    log(`summary of ${summary.varieties}/${order.length} finished varieties → ${summary.files.join(', ')}`);
    return failures;
  };
  if (args['summary-only']) {
    await finish();
    return;
  }
  const repository = new ModelRepository(args['models-dir']);
  if (args['dry-run']) {
    // Model versions from the manifests only: no weights are read, no test block is run.
    const keys = [];
    for (const ref of refs) keys.push(modelRef(await repository.resolve(ref)));
    await dryRun({ outDir, selected, keys, shard, log });
    return;
  }
  const models = [];
  for (const ref of refs) models.push(await repository.load(ref));

  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping; finished varieties are kept, re-run to resume`);
    stoppedBy = signal;
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const engine = await InferenceEngine.create({ ...engineArgs, probeModelPath: models[0]!.onnxPath, log });
  let failed: FailureRecord[];
  try {
    const result = await annotateShard({
      engine,
      models,
      manifest,
      outDir,
      shard,
      varieties: args.variety,
      toolVersion: toolVersion(),
      concurrency,
      vcfGroupSize: positiveInt('--vcf-group', args['vcf-group']),
      deltaReference: args.delta ? { fasta: args.reference! } : undefined,
      maxAttempts,
      signal: abort.signal,
      log,
      onProgress: (p) => bar.update(p),
    });
    failed = result.failed;
    bar.done();
    const hours = result.seconds / 3600;
    log(
      `${varieties(result.completed.length)} annotated, ${result.skipped} skipped (finished before), ${result.failed.length} failed, ` +
        `in ${result.seconds.toFixed(1)} s (${hours > 0 ? (result.completed.length / hours).toFixed(1) : '0'} varieties/h, ` +
        `${(result.bases / 1e6 / result.seconds).toFixed(2)} Mb/s over all models)`,
    );
  } finally {
    bar.done();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await engine.close();
  }
  if (!args['no-summary']) await finish();
  if (stoppedBy) return exitCodeForSignal(stoppedBy);
  if (failed.length) {
    const report = args['no-summary'] ? `${outDir}/.failures/ (${FAILURES_TSV} is rebuilt by --summary-only)` : `${outDir}/${FAILURES_TSV}`;
    throw varietiesFailedError(failed, selected.length, report);
  }
}

function varieties(n: number): string {
  return `${n} ${n === 1 ? 'variety' : 'varieties'}`;
}
