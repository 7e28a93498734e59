import { genomeLength, type Bp } from '../genome.js';
import { GenomeinferError, asResourceError, errorMessage } from '../errors.js';
import type { InferenceEngine } from '../inference/engine.js';
import { modelRef, type LoadedModel } from '../models/repository.js';
import type { Progress } from '../pipeline/predictChromosomes.js';
import { IndexedFastaSource } from '../readers/fastaSource.js';
import { annotateVariety } from './annotateVariety.js';
import { clearFailure, recordFailure, type FailureRecord } from './failures.js';
import type { ManifestEntry } from './manifest.js';
import { mapLimit } from './mapLimit.js';
import { VarietyGroups } from './varietyGroups.js';
import { predictBaseline } from './referenceBaseline.js';
import type { Baseline } from '../pipeline/runPrediction.js';
import type { FastaPaths } from '../readers/fastaSource.js';
import { selectVarieties, type Shard } from './shard.js';
import { markerCovers, readMarker, removePartialRoot, varietyDir } from './varietyOutputs.js';

export interface AnnotateOptions {
  engine: InferenceEngine;
  models: readonly LoadedModel[];
  manifest: readonly ManifestEntry[];
  outDir: string;
  shard: Shard;
  /** Only these varieties of the shard (a workflow's one-variety jobs); all when absent. */
  varieties?: readonly string[];
  /** genomeinfer's version, recorded in every marker. */
  toolVersion: string;
  /** Varieties in flight at once (they share the engine's workers). */
  concurrency: number;
  /** Varieties of one VCF read in one pass (default DEFAULT_GROUP_SIZE, bulk/varietyGroups.ts). */
  vcfGroupSize?: number;
  /** The reference of the manifest's VCF varieties: predicted first, for their delta bigWigs (annotate --delta). */
  deltaReference?: FastaPaths;
  /** Tries per variety in this run; input errors (a corrupt FASTA) are not retried. */
  maxAttempts: number;
  signal?: AbortSignal;
  log: (line: string) => void;
  onProgress?: (p: Progress) => void;
}

export interface AnnotateResult {
  /** Varieties in this shard. */
  selected: number;
  /** Finished by an earlier run, skipped. */
  skipped: number;
  completed: string[];
  /** Varieties of this shard that did not finish in this run (none when interrupted: those are simply not done). */
  failed: FailureRecord[];
  /** Stopped by the signal before every variety was tried. */
  interrupted: boolean;
  /** Bases run through the models in this run (genome bases × models). */
  bases: Bp;
  seconds: number;
}

/**
 * The bulk run over one shard of a manifest: skips finished varieties, runs the rest
 * `concurrency` at a time through every model, retries failures up to `maxAttempts` and
 * records the ones that still fail, without stopping the others.
 */
export async function annotateShard(options: AnnotateOptions): Promise<AnnotateResult> {
  const started = performance.now();
  const { models, outDir, log } = options;
  const keys = models.map((m) => modelRef(m.manifest));
  const selected = selectVarieties(options.manifest, options.shard, options.varieties);
  const pending: ManifestEntry[] = [];
  for (const entry of selected) {
    const marker = await readMarker(outDir, entry.variety).catch((err: unknown) => {
      log(`${entry.variety}: ${errorMessage(err)}; running it again`);
      return undefined;
    });
    if (markerCovers(marker, keys)) continue;
    pending.push(entry);
  }
  const skipped = selected.length - pending.length;
  log(`shard ${options.shard.index}/${options.shard.count}: ${selected.length} varieties, ${skipped} already finished, ${pending.length} to run with ${keys.join(', ')}`);

  // Progress in bases: every model reads each genome once.
  let basesTotal = 0;
  for (const e of pending) basesTotal += (await basesOf(e)) * models.length;
  // Bases done per variety in flight (or finished), and their running sum.
  const done = new Map<string, Bp>();
  let basesDone = 0;
  const setDone = (variety: string, bases: Bp) => {
    basesDone += bases - (done.get(variety) ?? 0);
    done.set(variety, bases);
  };
  const report = (chrom: string) => options.onProgress?.({ basesDone, basesTotal, chrom });

  const completed: string[] = [];
  const failed: FailureRecord[] = [];
  // Delta tracks: the reference through every model once, before the varieties.
  const baselines = new Map<string, Baseline>();
  if (options.deltaReference && pending.some((e) => e.paths.variety)) {
    for (const model of models) baselines.set(model.key, await predictBaseline(options.engine, model, options.deltaReference, options.signal));
    log(`reference ${options.deltaReference.fasta} predicted for delta tracks (${models.map((m) => m.key).join(', ')})`);
  }
  // Varieties given as samples of one VCF share passes over it (groups in run order).
  const groups = new VarietyGroups(pending, options.vcfGroupSize);
  const runOne = async (entry: ManifestEntry) => {
    if (options.signal?.aborted) return;
    const v = entry.variety;
    for (let attempt = 1; ; attempt++) {
      const t0 = performance.now();
      setDone(v, 0);
      try {
        const marker = await annotateVariety(options.engine, models, entry, outDir, {
          toolVersion: options.toolVersion,
          signal: options.signal,
          source: await groups.source(entry),
          baselines,
          onProgress: (b) => {
            setDone(v, b);
            report(v);
          },
        });
        setDone(v, marker.bases * models.length);
        await clearFailure(outDir, v);
        completed.push(v);
        const finished = completed.length + failed.length;
        log(`${v}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(marker.bases / 1e6).toFixed(2)} Mb) [${finished}/${pending.length}]`);
        report(v);
        return;
      } catch (err) {
        setDone(v, 0);
        if (options.signal?.aborted) return; // interrupted, not failed: the next run starts it over
        // A full disk or a killed worker arrives as a raw error: typed here, so the record
        // (and the exit status) says the machine failed, not the variety.
        const typed = err instanceof GenomeinferError ? err : asResourceError(err);
        const kind = typed?.kind ?? 'internal';
        const retry = attempt < options.maxAttempts && kind !== 'input';
        log(`${v}: failed (attempt ${attempt}/${options.maxAttempts}${retry ? ', retrying' : ''}): ${errorMessage(typed ?? err)}`);
        if (retry) continue;
        const record: FailureRecord = {
          variety: v,
          attempts: attempt,
          kind,
          code: typed?.code ?? 'internal',
          message: errorMessage(typed ?? err),
        };
        await recordFailure(outDir, record);
        failed.push(record);
        return;
      }
    }
  };
  await mapLimit(pending, options.concurrency, runOne);
  await removePartialRoot(outDir);
  if (!options.signal?.aborted) failed.push(...(await lostVarieties(outDir, selected, keys, failed)));
  // Concurrent varieties finish in any order; reports and messages list them in manifest order.
  const rank = new Map(selected.map((e, i) => [e.variety, i]));
  completed.sort((a, b) => rank.get(a)! - rank.get(b)!);
  failed.sort((a, b) => rank.get(a.variety)! - rank.get(b.variety)!);
  return {
    selected: selected.length,
    skipped,
    completed,
    failed,
    interrupted: Boolean(options.signal?.aborted),
    bases: basesDone,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Varieties of the shard that are neither finished (a marker covering the models) nor
 * recorded as failed: a run must never report success with one missing, whatever removed it
 * (another process sharing the directory, a bug). They are recorded like failures.
 */
async function lostVarieties(
  outDir: string,
  selected: readonly ManifestEntry[],
  keys: readonly string[],
  failed: readonly FailureRecord[],
): Promise<FailureRecord[]> {
  const lost: FailureRecord[] = [];
  for (const { variety } of selected) {
    if (failed.some((f) => f.variety === variety)) continue;
    const marker = await readMarker(outDir, variety).catch(() => undefined);
    if (markerCovers(marker, keys)) continue;
    const record: FailureRecord = {
      variety,
      attempts: 0,
      kind: 'internal',
      code: 'variety_lost',
      message: `${varietyDir(outDir, variety)} is missing or incomplete at the end of the run (removed by another process?)`,
    };
    await recordFailure(outDir, record);
    lost.push(record);
  }
  return lost;
}

/** Genome size from the index, for progress; 0 when unreadable (the variety's run reports why). */
async function basesOf(entry: ManifestEntry): Promise<Bp> {
  try {
    const fasta = await IndexedFastaSource.open(entry.paths);
    await fasta.close();
    return genomeLength(fasta.chromosomes);
  } catch {
    return 0;
  }
}
