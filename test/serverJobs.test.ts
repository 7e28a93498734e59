/**
 * Jobs over real HTTP: submit (upload and data-root path), poll, results equal to the CLI's,
 * cancel (queued and running), a full queue (429), and restarts: a server killed with
 * SIGKILL mid-job, or stopped with SIGTERM, finishes the job after the next start with the
 * same result.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { runCli, tempDir } from './helpers.js';
import { errorBody, jobDirs, startServer, uploadForm, uploadLeftovers, waitFor, type Server } from './serverHarness.js';

interface Job {
  id: string;
  model: string;
  state: string;
  input: { source: string; fasta: string };
  progress: { basesDone: number; basesTotal: number; fraction: number };
  attempts: number;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  runSeconds?: number;
  error?: { error: string; message: string };
  result?: { regions: number; chromosomes: number; bases: number; labels: string[]; url: string };
}

const LABELS = ['gc_rich', 'cpg_island', 'motif_dense'];
/** Long enough (about a second or more on one worker) to be caught mid-run. */
const BIG_CHROMOSOMES = [
  { name: 'chr1', length: 3_000_000 },
  { name: 'chr2', length: 3_000_000 },
  { name: 'chr3', length: 2_000_000 },
];

let tmp: ReturnType<typeof tempDir>;
let data: string;
let example: string;
let big: string;
interface CliOutput {
  bed: string;
  graphs: string[];
  bigWigs: Buffer[];
}
const cli = new Map<string, CliOutput>();

/** The CLI's BED, per-label bedGraphs and bigWigs for `fasta` (computed once). */
function cliOutput(fasta: string): CliOutput {
  let out = cli.get(fasta);
  if (!out) {
    const stem = join(tmp.dir, `cli-${cli.size}`);
    const r = runCli([
      'predict', '--model', 'example-cpg', '--fasta', fasta, '--out', `${stem}.bed`, '--bedgraph', `${stem}.bedgraph`, '--bigwig-out', stem,
      '--workers', '1', '--device', 'cpu',
    ]);
    assert.equal(r.status, 0, r.stderr);
    out = {
      bed: readFileSync(`${stem}.bed`, 'utf8'),
      graphs: LABELS.map((l) => readFileSync(`${stem}.${l}.bedgraph`, 'utf8')),
      bigWigs: LABELS.map((l) => readFileSync(`${stem}.${l}.bw`)),
    };
    cli.set(fasta, out);
  }
  return out;
}

before(async () => {
  tmp = tempDir('genomeinfer-serverjobs-');
  data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'genomes'), { recursive: true });
  example = join(data, 'genomes', 'example.fa');
  await writeExampleGenome(example);
  big = join(data, 'big.fa');
  await writeExampleGenome(big, BIG_CHROMOSOMES, 11);
});

after(() => tmp.cleanup());

const serverArgs = (extra: string[] = []) => ['--model', 'example-cpg', '--data-root', data, '--max-running-jobs', '1', ...extra];

async function getJob(server: Server, id: string): Promise<Job> {
  const res = await fetch(`${server.url}/v1/jobs/${id}`);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Job;
}

async function submitDataset(server: Server, fasta: string): Promise<Response> {
  return fetch(`${server.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'example-cpg', fasta }),
  });
}

async function submitted(res: Response): Promise<Job> {
  assert.equal(res.status, 202, await res.clone().text());
  const job = (await res.json()) as Job;
  assert.equal(res.headers.get('location'), `/v1/jobs/${job.id}`);
  return job;
}

async function waitForState(server: Server, id: string, state: string, timeoutMs = 60_000): Promise<Job> {
  let job!: Job;
  await waitFor(async () => (job = await getJob(server, id)).state === state || job.state === 'failed', timeoutMs, `job ${id} to be ${state}`, 50);
  assert.equal(job.state, state, JSON.stringify(job.error));
  return job;
}

async function result(server: Server, id: string, query = ''): Promise<string> {
  const res = await fetch(`${server.url}/v1/jobs/${id}/result${query}`);
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return res.text();
}

/** No temporary files (interrupted atomic writes) anywhere under the job's directory. */
function assertNoTempFiles(stateDir: string, id: string): void {
  const files = readdirSync(join(stateDir, 'jobs', id), { recursive: true }) as string[];
  assert.deepEqual(files.filter((f) => f.endsWith('.tmp')), [], `temporary files in job ${id}: ${files.join(', ')}`);
}

test('job lifecycle from an upload: 202, progress to done, BED, bedGraph and bigWig results equal the CLI', async () => {
  const server = await startServer(join(tmp.dir, 'state-upload'), serverArgs());
  try {
    const form = await uploadForm({ fasta: example, fai: `${example}.fai` }, { model: 'example-cpg' });
    const job = await submitted(await fetch(`${server.url}/v1/jobs`, { method: 'POST', body: form }));
    assert.equal(job.model, 'example-cpg/2');
    assert.deepEqual(job.input, { source: 'upload', fasta: "'example.fa' (field fasta)" });
    assert.equal(job.progress.basesTotal, 4_019_094);
    assert.ok(['queued', 'running'].includes(job.state), job.state);

    const done = await waitForState(server, job.id, 'done');
    assert.deepEqual(done.progress, { basesDone: 4_019_094, basesTotal: 4_019_094, fraction: 1 });
    assert.equal(done.attempts, 1);
    assert.ok(done.startedAt && done.finishedAt && done.runSeconds! > 0);
    assert.ok(Date.parse(done.finishedAt!) >= Date.parse(done.startedAt!));
    assert.equal(done.result!.chromosomes, 5);
    assert.deepEqual(done.result!.labels, LABELS);

    const expected = cliOutput(example);
    assert.equal(await result(server, job.id), expected.bed);
    assert.equal(await result(server, job.id, '?format=bed'), expected.bed);
    assert.equal(done.result!.regions, expected.bed.trimEnd().split('\n').length);
    for (const [l, label] of LABELS.entries()) assert.equal(await result(server, job.id, `?format=bedgraph&label=${label}`), expected.graphs[l], label);
    assert.equal(await result(server, job.id, '?format=bedgraph'), expected.graphs.join(''));

    for (const [l, label] of LABELS.entries()) {
      const res = await fetch(`${server.url}/v1/jobs/${job.id}/result?format=bigwig&label=${label}`);
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(expected.bigWigs[l]!), `bigWig ${label} differs from the CLI's`);
    }
    const noLabel = await fetch(`${server.url}/v1/jobs/${job.id}/result?format=bigwig`);
    assert.equal(noLabel.status, 400);
    assert.equal((await errorBody(noLabel)).error, 'result_label_required');

    const unknownLabel = await fetch(`${server.url}/v1/jobs/${job.id}/result?format=bedgraph&label=nope`);
    assert.equal(unknownLabel.status, 400);
    assert.match((await errorBody(unknownLabel)).message, /no label 'nope'.*gc_rich, cpg_island, motif_dense/);

    // The upload is kept only until the job finishes; no scratch is left.
    assert.equal(existsSync(join(server.stateDir, 'jobs', job.id, 'input')), false, 'uploaded input removed');
    assert.deepEqual(uploadLeftovers(server.stateDir), []);
    assertNoTempFiles(server.stateDir, job.id);

    const cancelDone = await fetch(`${server.url}/v1/jobs/${job.id}`, { method: 'DELETE' });
    assert.equal(cancelDone.status, 409);
    assert.equal((await errorBody(cancelDone)).error, 'job_finished');
  } finally {
    await server.stop();
  }
});

test('job from a path under a data root; cancel a queued and a running job; a full queue answers 429', async () => {
  const server = await startServer(join(tmp.dir, 'state-cancel'), serverArgs(['--max-queued-jobs', '2']));
  try {
    const running = await submitted(await submitDataset(server, 'big.fa'));
    const queued = await submitted(await submitDataset(server, 'genomes/example.fa'));
    const third = await submitted(await submitDataset(server, 'genomes/example.fa'));
    assert.deepEqual(queued.input, { source: 'dataset', fasta: 'genomes/example.fa' });

    const full = await submitDataset(server, 'genomes/example.fa');
    assert.equal(full.status, 429);
    assert.ok(Number(full.headers.get('retry-after')) >= 1, 'Retry-After');
    const fullBody = await errorBody(full);
    assert.equal(fullBody.error, 'job_queue_full');
    assert.match(fullBody.message, /2 jobs waiting/);
    assert.equal(jobDirs(server.stateDir).length, 3, 'the refused submission left nothing');

    const cancelQueued = await fetch(`${server.url}/v1/jobs/${queued.id}`, { method: 'DELETE' });
    assert.equal(cancelQueued.status, 200);
    assert.equal(((await cancelQueued.json()) as Job).state, 'cancelled');

    await waitFor(async () => (await getJob(server, running.id)).progress.basesDone > 0, 30_000, 'the big job to make progress');
    const early = await fetch(`${server.url}/v1/jobs/${running.id}/result`);
    assert.equal(early.status, 409);
    const earlyBody = await errorBody(early);
    assert.equal(earlyBody.error, 'job_not_finished');
    assert.match(earlyBody.message, /is running \(\d+% done\); poll GET/);
    const cancelRunning = await fetch(`${server.url}/v1/jobs/${running.id}`, { method: 'DELETE' });
    assert.equal(cancelRunning.status, 200);
    const cancelled = (await cancelRunning.json()) as Job;
    assert.equal(cancelled.state, 'cancelled');
    assert.ok(cancelled.progress.basesDone < cancelled.progress.basesTotal, 'stopped before the end');

    for (const id of [queued.id, running.id]) {
      const res = await fetch(`${server.url}/v1/jobs/${id}/result`);
      assert.equal(res.status, 409);
      assert.equal((await errorBody(res)).error, 'job_cancelled');
      assert.deepEqual(readdirSync(join(server.stateDir, 'jobs', id)), ['job.json'], 'no results kept');
    }
    // The queue moves on to the job behind them.
    await waitForState(server, third.id, 'done');
    assert.equal(await result(server, third.id), cliOutput(example).bed);
  } finally {
    await server.stop();
  }
});

test('a server killed (SIGKILL) mid-job and restarted finishes the job, and the one queued behind it, with the same results', async () => {
  const stateDir = join(tmp.dir, 'state-kill');
  let server = await startServer(stateDir, serverArgs());
  const first = await submitted(await submitDataset(server, 'big.fa'));
  const second = await submitted(await submitDataset(server, 'genomes/example.fa'));
  let seen!: Job;
  await waitFor(async () => (seen = await getJob(server, first.id)).progress.basesDone > 0, 30_000, 'the job to make progress', 10);
  await server.kill();
  assert.equal(seen.state, 'running');
  assert.ok(seen.progress.basesDone < seen.progress.basesTotal, `killed mid-job (${seen.progress.basesDone}/${seen.progress.basesTotal})`);
  const stored = JSON.parse(readFileSync(join(stateDir, 'jobs', first.id, 'job.json'), 'utf8')) as Job;
  assert.equal(stored.state, 'running', 'the record on disk says it was running');

  server = await startServer(stateDir, serverArgs());
  try {
    const done = await waitForState(server, first.id, 'done');
    assert.equal(done.attempts, 2, 'started once more after the restart');
    assert.equal(await result(server, first.id), cliOutput(big).bed);
    const behind = await waitForState(server, second.id, 'done');
    assert.equal(behind.attempts, 1);
    assert.equal(await result(server, second.id), cliOutput(example).bed);
    assertNoTempFiles(stateDir, first.id);
  } finally {
    await server.stop();
  }
});

test('SIGTERM: running job re-queued after the grace period, exit 0; the next start finishes it; finished jobs are still served', async () => {
  const stateDir = join(tmp.dir, 'state-term');
  let server = await startServer(stateDir, serverArgs(['--shutdown-grace-seconds', '0']));
  const small = await submitted(await submitDataset(server, 'genomes/example.fa'));
  await waitForState(server, small.id, 'done');
  const job = await submitted(await submitDataset(server, 'big.fa'));
  await waitFor(async () => (await getJob(server, job.id)).progress.basesDone > 0, 30_000, 'the job to make progress', 10);
  assert.equal(await server.stop(), 0, `exit code; stderr: ${server.stderr()}`);
  const stored = JSON.parse(readFileSync(join(stateDir, 'jobs', job.id, 'job.json'), 'utf8')) as Job;
  assert.equal(stored.state, 'queued', 'left queued for the next start');
  assert.deepEqual(uploadLeftovers(stateDir), []);

  server = await startServer(stateDir, serverArgs());
  try {
    assert.equal(await result(server, small.id), cliOutput(example).bed, 'a finished job survives the restart');
    const done = await waitForState(server, job.id, 'done');
    assert.equal(await result(server, job.id), cliOutput(big).bed);
    assert.equal(done.attempts, 2);
  } finally {
    await server.stop();
  }
});
