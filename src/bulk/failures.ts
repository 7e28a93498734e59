import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GenomeinferError } from '../errors.js';
import { AtomicFile } from '../writers/atomicFile.js';

/** A variety that did not finish in a run, with the last attempt's error. */
export interface FailureRecord {
  variety: string;
  attempts: number;
  /** The error's kind (input, model, device, …; internal for bugs) and stable code. */
  kind: string;
  code: string;
  message: string;
}

/**
 * Failures are kept one file per variety under `DIR/.failures/`, so shards running at once on a
 * shared volume never write the same file; `DIR/failures.tsv` is rebuilt from them (atomically)
 * at the end of every run. A variety that later finishes loses its record.
 */
const FAILURES_DIR = '.failures';
export const FAILURES_TSV = 'failures.tsv';

export async function recordFailure(outDir: string, record: FailureRecord): Promise<void> {
  await AtomicFile.writeText(join(outDir, FAILURES_DIR, `${record.variety}.json`), `${JSON.stringify(record)}\n`);
}

export async function clearFailure(outDir: string, variety: string): Promise<void> {
  await rm(join(outDir, FAILURES_DIR, `${variety}.json`), { force: true });
}

/** The failure recorded for `variety` by an earlier run (any shard), or undefined. */
export async function readFailure(outDir: string, variety: string): Promise<FailureRecord | undefined> {
  const text = await readFile(join(outDir, FAILURES_DIR, `${variety}.json`), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as FailureRecord;
  } catch {
    return undefined; // a record cut short: the variety is simply not finished
  }
}

/** Rewrites `DIR/failures.tsv` (manifest order) from every shard's records; returns them. */
export async function writeFailuresTable(outDir: string, manifestOrder: readonly string[]): Promise<FailureRecord[]> {
  const names = await readdir(join(outDir, FAILURES_DIR)).catch(() => [] as string[]);
  const byVariety = new Map<string, FailureRecord>();
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const record = JSON.parse(await readFile(join(outDir, FAILURES_DIR, name), 'utf8')) as FailureRecord;
    byVariety.set(record.variety, record);
  }
  const records = manifestOrder.flatMap((v) => byVariety.get(v) ?? []);
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  const rows = records.map((r) => `${r.variety}\t${r.attempts}\t${r.kind}\t${r.code}\t${clean(r.message)}\n`);
  await AtomicFile.writeText(join(outDir, FAILURES_TSV), `variety\tattempts\tkind\tcode\tmessage\n${rows.join('')}`);
  return records;
}

/**
 * The error a run ends with when varieties of its shard did not finish, so it never exits 0
 * with one lost. `resource` (retryable) only when the machine failed every one of them (out of
 * memory, disk full, a killed worker): a re-run may finish them all. Any other failure means
 * an input to fix first, so the run failed for good (`input`).
 */
export function varietiesFailedError(failed: readonly FailureRecord[], selected: number, report: string): GenomeinferError {
  const retryable = failed.every((f) => f.kind === 'resource');
  const named = failed.slice(0, 5).map((f) => `${f.variety} (${f.kind}/${f.code})`);
  if (failed.length > named.length) named.push(`${failed.length - named.length} more`);
  const advice = retryable
    ? 'the machine failed them, not their input: running again may finish them'
    : 'running again fails the same way until their input is fixed';
  return new GenomeinferError(
    retryable ? 'resource' : 'input',
    'varieties_failed',
    `${failed.length} of ${selected} ${selected === 1 ? 'variety' : 'varieties'} failed: ${named.join(', ')}; ${advice}; see ${report}`,
  );
}
