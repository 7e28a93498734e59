/**
 * Crash consistency of the job store, over real HTTP: 50 SIGKILLs of a server at random
 * moments (during start-up, warm-up, submissions, job runs and result writes). After each
 * restart every job that got a 202 is queued, running or done, never lost or failed, and a
 * done job's results are byte-identical to the CLI's; a job once done stays done. Half-way,
 * job records broken in every way are planted in the state directory: every later start
 * must answer them as failed (quarantined, their bytes kept) and serve everything else.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { mulberry32 } from '../src/simulate/random.js';
import { CLI, runCli, tempDir } from './helpers.js';
import { uploadForm, waitFor } from './serverHarness.js';

const KILLS = 50;
const LABELS = ['gc_rich', 'cpg_island', 'motif_dense'];

interface Expected {
  bed: string;
  bedGraph: string;
}

let tmp: ReturnType<typeof tempDir>;
let data: string;
let stateDir: string;
/** Genome → the CLI's BED and bedGraph (all labels' tracks, in label order, as the result route joins them). */
const expected = new Map<string, Expected>();

before(async () => {
  tmp = tempDir('genomeinfer-crash-');
  data = join(tmp.dir, 'data');
  mkdirSync(data);
  stateDir = join(tmp.dir, 'state');
  for (const [name, seed] of [['a.fa', 3], ['b.fa', 4]] as const) {
    const fasta = join(data, name);
    await writeExampleGenome(fasta, [{ name: 'chr1', length: 24_000 }, { name: 'chr2', length: 9_000 }], seed);
    const stem = join(tmp.dir, `cli-${name}`);
    const r = runCli(['predict', '--model', 'example-cpg', '--fasta', fasta, '--out', `${stem}.bed`, '--bedgraph', `${stem}.bedgraph`, '--workers', '1', '--device', 'cpu']);
    assert.equal(r.status, 0, r.stderr);
    expected.set(name, { bed: readFileSync(`${stem}.bed`, 'utf8'), bedGraph: LABELS.map((l) => readFileSync(`${stem}.${l}.bedgraph`, 'utf8')).join('') });
  }
});

after(() => tmp.cleanup());

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  /** Resolves with the URL once listening; never resolves if the process dies first. */
  listening: Promise<string>;
  stderr: () => string;
}

function spawnServer(): Running {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--state-dir', stateDir, '--model', 'example-cpg', '--data-root', data, '--device', 'cpu', '--workers', '1', '--log-level', 'warn'],
    { env: { ...process.env, GENOMEINFER_TOKEN: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const listening = new Promise<string>((resolve) =>
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    }),
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, listening, stderr: () => stderr };
}

interface Job {
  id: string;
  state: string;
  error?: { error: string; message: string };
}

/** Broken records planted half-way: job.json contents, and what the failed answer must say. */
const BROKEN: [string, (id: string) => string | undefined, RegExp][] = [
  ['null', () => 'null', /holds null/],
  ['truncated', (id) => JSON.stringify({ id, model: 'example-cpg/2', state: 'queued' }).slice(0, 30), /not valid JSON/],
  ['empty', () => '', /not valid JSON/],
  ['fields missing', (id) => JSON.stringify({ id }), /field model is missing/],
  ['wrong types', (id) => JSON.stringify({ id, model: 1, state: 'running', input: 'a.fa', progress: [], attempts: -1, submittedAt: 'yesterday' }), /field model.*field state|field model/],
  ['another id', () => JSON.stringify({ id: randomUUID() }), /names job/],
  ['garbage bytes', () => '\u0000\u00ff{{{', /not valid JSON/],
  ['no job.json', () => undefined, /job.json is missing/],
];

test(`${KILLS} SIGKILLs at random moments: no accepted job lost or failed, finished results byte-identical to the CLI and never gone; broken records quarantined`, async (t) => {
  const rand = mulberry32(20261127);
  /** Acknowledged jobs (got a 202) → the genome they read. */
  const accepted = new Map<string, string>();
  const verifiedDone = new Set<string>();
  const broken = new Map<string, { what: string; reason: RegExp; bytes: string | undefined }>();
  let submissions = 0;

  /** Submits one job (an upload or a data-root path), retrying while the models load (503). */
  const submit = async (url: string) => {
    const genome = rand() < 0.5 ? 'a.fa' : 'b.fa';
    const upload = rand() < 0.5;
    for (;;) {
      submissions++;
      try {
        const res = upload
          ? await fetch(`${url}/v1/jobs?model=example-cpg`, { method: 'POST', body: await uploadForm({ fasta: join(data, genome), fai: join(data, `${genome}.fai`) }) })
          : await fetch(`${url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'example-cpg', fasta: genome }) });
        // Accepted once the 202 arrives: its Location names the job even if the body is cut off.
        if (res.status === 202) return void accepted.set(res.headers.get('location')!.split('/').at(-1)!, genome);
        assert.ok([429, 503].includes(res.status), `submission answered ${res.status}: ${await res.text()}`);
        if (res.status === 429) return;
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        return; // the server was killed mid-request: not accepted (the job may exist; it is not checked)
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  };

  /** After a (re)start: every accepted job is there and sound; `final` also wants them all done. */
  const check = async (url: string, final = false) => {
    for (const [id, genome] of accepted) {
      const res = await fetch(`${url}/v1/jobs/${id}`);
      assert.equal(res.status, 200, `accepted job ${id} lost: ${await res.clone().text()}`);
      const job = (await res.json()) as Job;
      assert.ok(['queued', 'running', 'done'].includes(job.state), `job ${id} is ${job.state}: ${JSON.stringify(job.error)}`);
      if (verifiedDone.has(id)) assert.equal(job.state, 'done', `job ${id} was done and is now ${job.state}`);
      if (final) assert.equal(job.state, 'done');
      if (job.state !== 'done') continue;
      // Newly done: both formats; done before: the BED is still there and the same.
      const bed = await fetch(`${url}/v1/jobs/${id}/result`);
      assert.equal(bed.status, 200, `result of done job ${id}: ${await bed.clone().text()}`);
      assert.equal(await bed.text(), expected.get(genome)!.bed, `BED of job ${id} differs from the CLI's`);
      if (!verifiedDone.has(id) || final) {
        const graph = await fetch(`${url}/v1/jobs/${id}/result?format=bedgraph`);
        assert.equal(await graph.text(), expected.get(genome)!.bedGraph, `bedGraph of job ${id} differs from the CLI's`);
        verifiedDone.add(id);
      }
    }
    for (const [id, b] of broken) {
      const job = (await (await fetch(`${url}/v1/jobs/${id}`)).json()) as Job;
      assert.equal(job.state, 'failed', `${b.what}: ${JSON.stringify(job)}`);
      assert.equal(job.error?.error, 'job_record_unreadable');
      assert.match(job.error!.message, b.reason, b.what);
      if (b.bytes !== undefined) assert.equal(readFileSync(join(stateDir, 'jobs', id, 'job.json.unreadable'), 'utf8'), b.bytes, `${b.what}: kept as it was`);
    }
  };

  for (let kill = 0; kill < KILLS; kill++) {
    if (kill === KILLS / 2) {
      for (const [what, content, reason] of BROKEN) {
        const id = randomUUID();
        const dir = join(stateDir, 'jobs', id);
        mkdirSync(dir, { recursive: true });
        const bytes = content(id);
        if (bytes === undefined) writeFileSync(join(dir, 'result.bed'), 'kept\n');
        else writeFileSync(join(dir, 'job.json'), bytes);
        broken.set(id, { what, reason, bytes });
      }
    }
    const server = spawnServer();
    const work: Promise<void>[] = [];
    if (rand() < 0.1) {
      // Killed during start-up (restoring the jobs, before it listens).
      await new Promise((r) => setTimeout(r, rand() * 500));
    } else {
      const url = await Promise.race([server.listening, server.exited.then(() => undefined)]);
      assert.ok(url, `server exited before listening: ${server.stderr()}`);
      await check(url);
      const killAfter = rand() * 1700;
      const killAt = Date.now() + killAfter;
      work.push(submit(url));
      if (rand() < 0.5) work.push(new Promise((r) => setTimeout(r, rand() * killAfter)).then(() => submit(url)));
      await new Promise((r) => setTimeout(r, Math.max(0, killAt - Date.now())));
    }
    server.child.kill('SIGKILL');
    await server.exited;
    await Promise.all(work);
    assert.doesNotMatch(server.stderr(), /error/i, 'the server reported no error before it was killed');
  }

  const doneBeforeLast = verifiedDone.size;
  // A last start that is left to finish everything.
  const server = spawnServer();
  try {
    const url = await server.listening;
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 60_000, 'ready');
    await waitFor(
      async () => {
        for (const id of accepted.keys()) if (((await (await fetch(`${url}/v1/jobs/${id}`)).json()) as Job).state !== 'done') return false;
        return true;
      },
      60_000,
      'every accepted job to finish',
      100,
    );
    await check(url, true);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  t.diagnostic(`${accepted.size} jobs accepted (${submissions} submissions), ${doneBeforeLast} finished between kills and checked after restarts`);
  assert.ok(accepted.size >= 20, `enough jobs accepted to mean something: ${accepted.size} of ${submissions}`);
  assert.ok(verifiedDone.size === accepted.size);
});
