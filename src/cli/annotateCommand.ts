import { InferenceEngine } from '../inference/engine.js';
import { ModelRepository } from '../models/repository.js';
import { annotateShard } from '../bulk/annotateRun.js';
import { FAILURES_TSV, writeFailuresTable } from '../bulk/failures.js';
import { readManifest } from '../bulk/manifest.js';
import { writePanelSummary } from '../bulk/panelSummary.js';
import { WHOLE_MANIFEST, inShard, parseShard } from '../bulk/shard.js';
import { UsageError } from '../errors.js';
import { ENGINE_ARGS, engineOptions, parseCommandArgs, positiveInt } from './args.js';
import { ProgressBar } from './progressBar.js';

export const ANNOTATE_HELP = `usage: genomeinfer annotate --manifest FILE --out DIR [--models centromere,histone] [options]

Runs every variety of a manifest through the models: DIR/<variety>/ receives <model>.bed
(regions, name = label) and <model>.<label>.bw (per-bin probabilities) and annotate.json, the
completion marker. A variety directory appears only when complete (it is built under
DIR/.partial/ and renamed), so a run killed at any point loses only the varieties in flight:
re-running skips finished varieties (and redoes those finished with other model versions).
A failing variety is retried, then recorded in DIR/failures.tsv, and the run goes on; the exit
status is 1 when any failed. At the end DIR/summary/ is rebuilt from all finished varieties:
centromeres.tsv, marks.tsv and centromeres.svg.
  --manifest FILE       TSV with a header: variety, fasta, optional fai, gzi, any metadata
                        columns; relative paths are relative to the manifest
  --out DIR             output directory (shared by all shards)
  --models LIST         comma-separated NAME[@VERSION] (default centromere,histone)
  --shard i/N           run only rows i, i+N, i+2N, … (0 ≤ i < N); shards 0…N-1 cover the
                        manifest exactly once (a Kubernetes Indexed Job passes its index)
  --concurrency K       varieties in flight at once, sharing the workers (default 2)
  --max-attempts N      tries per variety in this run (default 2); input errors are not retried
  --summary-only        only rebuild DIR/summary/ and DIR/${FAILURES_TSV}
  --workers N, --threads-per-worker N, --max-batch N, --device auto|cpu|cuda  as for predict
  --models-dir DIR      model repository (default: GENOMEINFER_MODELS or the bundled models/)`;

export async function annotateCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs('annotate', argv, {
    manifest: { type: 'string' },
    out: { type: 'string' },
    models: { type: 'string' },
    shard: { type: 'string' },
    concurrency: { type: 'string' },
    'max-attempts': { type: 'string' },
    'summary-only': { type: 'boolean' },
    ...ENGINE_ARGS,
    'models-dir': { type: 'string' },
  });
  for (const required of ['manifest', 'out'] as const) {
    if (!args[required]) throw new UsageError(`annotate: --${required} is required (see genomeinfer annotate --help)`);
  }
  const outDir = args.out!;
  const log = (line: string) => bar.log(`genomeinfer: ${line}`);
  const bar = new ProgressBar();
  const manifest = await readManifest(args.manifest!);
  const order = manifest.map((e) => e.variety);
  const finish = async () => {
    const failures = await writeFailuresTable(outDir, order);
    const summary = await writePanelSummary(outDir, order);
    log(`summary of ${summary.varieties}/${order.length} finished varieties → ${summary.files.join(', ')}`);
    return failures;
  };
  if (args['summary-only']) {
    await finish();
    return 0;
  }

  const shard = args.shard ? parseShard(args.shard) : WHOLE_MANIFEST;
  const refs = (args.models ?? 'centromere,histone').split(',').map((s) => s.trim()).filter(Boolean);
  if (!refs.length) throw new UsageError('annotate: --models needs at least one model');
  const engineArgs = engineOptions(args);
  const repository = new ModelRepository(args['models-dir']);
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
  try {
    const result = await annotateShard({
      engine,
      models,
      manifest,
      outDir,
      shard,
      concurrency: positiveInt('--concurrency', args.concurrency) ?? 2,
      maxAttempts: positiveInt('--max-attempts', args['max-attempts']) ?? 2,
      signal: abort.signal,
      log,
      onProgress: (p) => bar.update(p),
    });
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
  const failures = await finish();
  if (stoppedBy) return stoppedBy === 'SIGINT' ? 130 : 143;
  const mine = failures.filter((f) => manifest.some((e) => e.variety === f.variety && inShard(e.row, shard)));
  if (mine.length) log(`${varieties(mine.length)} failed: see ${outDir}/${FAILURES_TSV}`);
  return mine.length ? 1 : 0;
}

function varieties(n: number): string {
  return `${n} ${n === 1 ? 'variety' : 'varieties'}`;
}
