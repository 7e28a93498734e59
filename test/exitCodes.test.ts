/**
 * Exit statuses a scheduler can act on (README, "Exit status"), each shown for its cause:
 * 0 done; 1 an input failed (running again fails again); 2 usage; 75 the machine failed (a
 * full disk, memory, a killed worker), so running again may succeed; 130/143 signals; and a
 * run that lost a variety never exits 0.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { after, before, test } from 'node:test';
import { Piscina } from 'piscina';
import { annotateShard } from '../src/bulk/annotateRun.js';
import { varietiesFailedError } from '../src/bulk/failures.js';
import { readManifest } from '../src/bulk/manifest.js';
import { WHOLE_MANIFEST } from '../src/bulk/shard.js';
import { EXIT, exitCodeForError } from '../src/cli/exitCodes.js';
import { InputError, ResourceError, asResourceError } from '../src/errors.js';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository } from '../src/models/repository.js';
import { CLI, MODELS, runCli, tempDir } from './helpers.js';
import { FAST_MODEL, simulatePanel, spawnCli, subManifest, writeLines } from './panelFixtures.js';

let tmp: ReturnType<typeof tempDir>;
let panel: string;
let manifest: string;
let two: string;

before(() => {
  tmp = tempDir('genomeinfer-exit-');
  panel = join(tmp.dir, 'panel');
  manifest = simulatePanel(panel, 6);
  two = subManifest(manifest, 'two.tsv', 2);
});

after(() => tmp.cleanup());

const annotate = (out: string, m: string, extra: string[] = []) => runCli(['annotate', '--manifest', m, '--out', out, ...FAST_MODEL, ...extra]);
const finished = (out: string) => readdirSync(out).filter((v) => existsSync(join(out, v, 'annotate.json'))).sort();
const failureRows = (out: string) => readFileSync(join(out, 'failures.tsv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));

test('usage errors exit 2 before any work is done', () => {
  const out = join(tmp.dir, 'usage');
  const cases: [string[], RegExp][] = [
    [['annotate', '--manifest', two, '--out', out, '--bogus'], /unknown option --bogus/],
    [['annotate', '--manifest', two, '--out', out, '--shard', '4/4'], /--shard must be i\/N/],
    [['annotate', '--manifest', two, '--out', out, '--dry-run', '--summary-only'], /cannot be combined/],
    [['annotate', '--manifest', two, '--out', out, '--variety', 'V9'], /--variety V9: not in the manifest/],
    [['annotate', '--manifest', two, '--out', out, '--concurrency', '0'], /--concurrency must be a positive integer/],
    [['no-such-command'], /unknown command/],
    [[], /usage: genomeinfer/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args);
    assert.equal(r.status, EXIT.usage, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr + r.stdout, message);
  }
  assert.ok(!existsSync(out), 'nothing written');
});

test('a run that finishes every variety exits 0', () => {
  const out = join(tmp.dir, 'ok');
  const r = annotate(out, two);
  assert.equal(r.status, EXIT.success, r.stderr);
  assert.deepEqual(finished(out), ['V1', 'V2']);
});

test('a variety failing for its input exits 1, and so does predict on a bad FASTA', () => {
  const out = join(tmp.dir, 'input');
  const [header, v1, v2] = readFileSync(two, 'utf8').trimEnd().split('\n') as [string, string, string];
  const broken = join(tmp.dir, 'broken.fa');
  copyFileSync(join(panel, 'V2/genome.fa'), broken);
  copyFileSync(join(panel, 'V2/genome.fa.fai'), `${broken}.fai`);
  truncateSync(broken, Math.floor(statSync(broken).size / 2));
  const m = join(panel, 'broken.tsv');
  writeLines(m, [header, v1, v2.replace('V2/genome.fa', broken)]);
  const r = annotate(out, m);
  assert.equal(r.status, EXIT.failed, r.stderr);
  assert.match(r.stderr, /error: 1 of 2 varieties failed: V2 \(input\/fasta_\w+\); running again fails the same way/);
  assert.deepEqual(finished(out), ['V1'], 'the other variety finished');
  assert.equal(failureRows(out)[0]![2], 'input');

  const p = runCli(['predict', '--model', 'example-cpg', '--fasta', broken, '--out', join(tmp.dir, 'p.bed'), '--workers', '1']);
  assert.equal(p.status, EXIT.failed, p.stderr);
  assert.match(p.stderr, /broken\.fa/);
});

test('a full disk exits 75 (retryable), and running again with room finishes the varieties', () => {
  // The output directory is a 64-kB tmpfs in the run's own mount namespace: every variety
  // fails with ENOSPC. The directory is copied out before the namespace goes away.
  const out = join(tmp.dir, 'full');
  const saved = join(tmp.dir, 'full-saved');
  mkdirSync(out);
  mkdirSync(saved);
  const script = 'mount -t tmpfs -o size=64k tmpfs "$0" && "$@"; status=$?; cp -a "$0/." "$SAVED/"; exit $status';
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, out, process.execPath, CLI, 'annotate', '--manifest', two, '--out', out, ...FAST_MODEL], {
    encoding: 'utf8',
    env: { ...process.env, SAVED: saved },
  });
  assert.equal(r.status, EXIT.retryable, r.stderr);
  assert.match(r.stderr, /2 of 2 varieties failed: V1 \(resource\/disk_full\), V2 \(resource\/disk_full\); the machine failed them/);
  const rows = failureRows(saved);
  assert.deepEqual(rows.map((f) => [f[0], f[2], f[3]]), [['V1', 'resource', 'disk_full'], ['V2', 'resource', 'disk_full']]);
  assert.match(rows[0]![4]!, /ENOSPC/);
  assert.deepEqual(finished(saved), [], 'no variety written half');

  const again = annotate(saved, two);
  assert.equal(again.status, EXIT.success, again.stderr);
  assert.deepEqual(finished(saved), ['V1', 'V2']);
  assert.deepEqual(failureRows(saved), [], 'the records are cleared');
});

/** The error piscina gives a task whose worker thread exits under it. */
async function killedWorkerError(): Promise<Error> {
  const file = join(tmp.dir, 'exiting-worker.mjs');
  writeFileSync(file, 'export default () => process.exit(3);\n');
  const pool = new Piscina({ filename: file, minThreads: 1, maxThreads: 1 });
  try {
    await pool.run({});
  } catch (err) {
    return err as Error;
  } finally {
    await pool.destroy();
  }
  throw new Error('the worker did not die');
}

/** The error Node gives for a worker thread that runs out of heap. */
async function workerOutOfMemoryError(): Promise<Error> {
  const worker = new Worker('const a = []; for (;;) a.push(new Array(1e5).fill(Math.random()));', {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  return new Promise((resolve) => worker.once('error', resolve));
}

test('a killed worker, memory running out and a full disk are the machine failing: exit 75', async () => {
  const killed = await killedWorkerError();
  const oom = await workerOutOfMemoryError();
  let enospc: Error | undefined;
  try {
    writeFileSync('/dev/full', 'x');
  } catch (err) {
    enospc = err as Error;
  }
  for (const [err, code] of [[killed, 'worker_killed'], [oom, 'out_of_memory'], [enospc, 'disk_full']] as const) {
    assert.equal(asResourceError(err)?.code, code, String(err));
    assert.equal(exitCodeForError(err), EXIT.retryable, String(err));
    // Wrapped as a cause, as a pipeline step may rethrow it.
    assert.equal(exitCodeForError(new Error('batch failed', { cause: err })), EXIT.retryable);
  }
  // The input's own failures, a bug and usage keep their statuses.
  assert.equal(exitCodeForError(new InputError('fasta_truncated', 'x')), EXIT.failed);
  assert.equal(exitCodeForError(new InputError('file_unreadable', 'x', { cause: enospc })), EXIT.failed);
  assert.equal(exitCodeForError(new TypeError('bug')), EXIT.failed);
  assert.equal(exitCodeForError(new ResourceError('out_of_memory', 'x')), EXIT.retryable);

  // A bulk run whose worker dies under every batch: each variety is recorded as the
  // machine's failure, and the run's error is retryable; one corrupt input makes it 1.
  const model = await new ModelRepository(MODELS).load('example-cpg');
  const engine = await InferenceEngine.create({ workers: 1, device: 'cpu', probeModelPath: model.onnxPath });
  try {
    engine.run = () => {
      // Rejected as the pool rejects a batch whose worker died; marked handled because the
      // prediction stops awaiting its other segments once one has failed.
      const batch = Promise.reject(killed);
      batch.catch(() => undefined);
      return batch;
    };
    const entries = await readManifest(two);
    const outDir = join(tmp.dir, 'killed');
    const run = (m: typeof entries) =>
      annotateShard({ engine, models: [model], manifest: m, outDir, shard: WHOLE_MANIFEST, toolVersion: 'test', concurrency: 1, maxAttempts: 2, log: () => {} });
    const result = await run(entries);
    assert.deepEqual(result.failed.map((f) => [f.variety, f.attempts, f.kind, f.code]), [['V1', 2, 'resource', 'worker_killed'], ['V2', 2, 'resource', 'worker_killed']]);
    assert.equal(exitCodeForError(varietiesFailedError(result.failed, 2, 'failures.tsv')), EXIT.retryable);

    const missingFasta = { ...entries[1]!, paths: { fasta: join(tmp.dir, 'missing.fa') } };
    const mixed = await run([entries[0]!, missingFasta]);
    assert.deepEqual(mixed.failed.map((f) => f.kind), ['resource', 'input']);
    assert.equal(exitCodeForError(varietiesFailedError(mixed.failed, 2, 'failures.tsv')), EXIT.failed);
  } finally {
    await engine.close();
  }
});

for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal} stops a run with ${status}, keeping the finished varieties`, async () => {
    const out = join(tmp.dir, signal);
    const run = spawnCli(['annotate', '--manifest', manifest, '--out', out, ...FAST_MODEL, '--concurrency', '1']);
    await run.waitFor(/: V\d+: done in/);
    run.child.kill(signal);
    assert.equal(await run.exit, status, run.stderr());
    const done = finished(out);
    assert.ok(done.length >= 1 && done.length < 6, `stopped after ${done.length} of 6`);
    assert.ok(!existsSync(join(out, '.partial')), 'nothing half-written left');
  });
}

test('a run that lost a variety (removed by another process) does not exit 0', async () => {
  const out = join(tmp.dir, 'lost');
  const run = spawnCli(['annotate', '--manifest', manifest, '--out', out, ...FAST_MODEL, '--concurrency', '1']);
  await run.waitFor(/: V1: done in/);
  rmSync(join(out, 'V1'), { recursive: true });
  assert.equal(await run.exit, EXIT.failed, run.stderr());
  assert.match(run.stderr(), /1 of 6 varieties failed: V1 \(internal\/variety_lost\)/);
  assert.deepEqual(failureRows(out).map((f) => [f[0], f[3]]), [['V1', 'variety_lost']]);
  assert.deepEqual(finished(out), ['V2', 'V3', 'V4', 'V5', 'V6']);
});
