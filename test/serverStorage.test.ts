/**
 * Errors that must blame the right party, over real HTTP. The server's state directory is a
 * 2-MiB tmpfs in the server's own mount namespace (unshare), which the test fills through
 * /proc/PID/root: a full disk during an upload or a job submission is the server's trouble
 * (507 + Retry-After, never 400 malformed_multipart), and a job whose results cannot be
 * written fails saying so, not "internal error". Also: the 503s of /readyz during warm-up
 * are not logged as errors.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { tempDir } from './helpers.js';
import { errorBody, startServer, uploadForm, waitFor, type Server } from './serverHarness.js';

let tmp: ReturnType<typeof tempDir>;
let server: Server;
let data: string;
let small: string;
let stateDir: string;
/** The state directory as the server sees it (its tmpfs), from this process. */
let inside: string;

before(async () => {
  tmp = tempDir('genomeinfer-storage-');
  data = join(tmp.dir, 'data');
  mkdirSync(data);
  small = join(data, 'small.fa');
  await writeExampleGenome(small, [{ name: 'chr1', length: 20_000 }]);
  await writeExampleGenome(join(data, 'big.fa'), [{ name: 'chr1', length: 600_000 }, { name: 'chr2', length: 400_000 }]);
  stateDir = join(tmp.dir, 'state');
  mkdirSync(stateDir);
  server = await startServer(stateDir, ['--model', 'example-cpg', '--data-root', data, '--log-level', 'debug'], {}, {
    wrap: (argv) => ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=2m tmpfs "$0" && exec "$@"', stateDir, ...argv],
  });
  inside = `/proc/${server.child.pid}/root${stateDir}`;
  assert.ok(existsSync(join(inside, 'jobs')), 'the state directory is visible through /proc');
});

after(async () => {
  await server?.stop();
  tmp.cleanup();
});

/** Writes `path` until the file system is full (or `bytes` are written); returns the bytes written. */
function fill(path: string, bytes = Infinity): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 << 10, 1);
  let written = 0;
  try {
    while (written < bytes) written += writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return written;
}

const logLines = () =>
  server
    .stdout()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; msg: string; err?: unknown });

test('/readyz answering 503 while the models warm up is not logged as an error', async () => {
  const lines = logLines();
  assert.ok(lines.some((l) => l.level === 20 && /answered 503 not_ready/.test(l.msg)), 'the warm-up 503s were answered (and logged at debug)');
  const errors = lines.filter((l) => l.level >= 50);
  assert.deepEqual(errors, [], 'no error-level lines');
});

test('a full disk: uploads (predict and job) and JSON job submissions get 507 with Retry-After; the server keeps serving', async () => {
  fill(join(inside, 'reserve'), 512 << 10);
  fill(join(inside, 'filler'));
  const uploads = ['/v1/predict?model=example-cpg', '/v1/jobs?model=example-cpg'];
  for (const route of uploads) {
    const res = await fetch(`${server.url}${route}`, { method: 'POST', body: await uploadForm({ fasta: small, fai: `${small}.fai` }) });
    const body = await errorBody(res);
    assert.equal(res.status, 507, `${route}: ${JSON.stringify(body)}`);
    assert.equal(body.error, 'insufficient_storage');
    assert.match(body.message, /ENOSPC: no space left on device.*server's problem, not the request's/);
    assert.ok(!body.message.includes(stateDir), body.message);
    assert.equal(res.headers.get('retry-after'), '60');
  }
  const json = await fetch(`${server.url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'example-cpg', fasta: 'small.fa' }) });
  assert.equal(json.status, 507, await json.clone().text());
  assert.equal((await errorBody(json)).error, 'insufficient_storage');
  assert.deepEqual(readdirSync(join(inside, 'uploads')), [], 'upload scratch removed');
  assert.deepEqual(readdirSync(join(inside, 'jobs')), [], 'no half-made job');
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  // Logged as the server's trouble, one line without a stack.
  const storage = logLines().filter((l) => /ENOSPC/.test(l.msg));
  assert.ok(storage.length >= 3 && storage.every((l) => l.level === 50 && l.err === undefined), JSON.stringify(storage));
});

test('a job whose results do not fit fails saying the server ran out of space, not "internal error"; once space is freed, jobs run', async () => {
  rmSync(join(inside, 'reserve')); // 512 kB free: the record fits, the results (bedGraph, bigWig) do not
  const res = await fetch(`${server.url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'example-cpg', fasta: 'big.fa' }) });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = (await res.json()) as { id: string };
  let job!: { state: string; error?: { error: string; message: string } };
  await waitFor(async () => ['done', 'failed'].includes((job = (await (await fetch(`${server.url}/v1/jobs/${id}`)).json()) as typeof job).state), 60_000, 'the job to end');
  assert.equal(job.state, 'failed');
  assert.equal(job.error?.error, 'insufficient_storage');
  assert.match(job.error!.message, /ENOSPC: no space left on device.*server's problem/);
  assert.doesNotMatch(job.error!.message, /internal error/);
  // The state is 'failed' in memory before its record is on disk: wait for the record (its
  // temporary file is in flight until then), then nothing half-written may be left.
  const recorded = () => {
    try {
      return (JSON.parse(readFileSync(join(inside, 'jobs', id, 'job.json'), 'utf8')) as { state: string }).state === 'failed';
    } catch {
      return false;
    }
  };
  await waitFor(async () => recorded(), 10_000, 'the failed record on disk');
  await waitFor(async () => readdirSync(join(inside, 'jobs', id)).every((f) => !f.endsWith('.tmp')), 10_000, 'no half-written result');
  rmSync(join(inside, 'filler'));
  const again = await fetch(`${server.url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'example-cpg', fasta: 'small.fa' }) });
  assert.equal(again.status, 202);
  const { id: id2 } = (await again.json()) as { id: string };
  await waitFor(async () => ((await (await fetch(`${server.url}/v1/jobs/${id2}`)).json()) as { state: string }).state === 'done', 30_000, 'the second job');
});
