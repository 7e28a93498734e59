/**
 * Job records that cannot be read, over real HTTP: a server started on a state directory
 * holding records of every broken kind starts, serves every good job as before, answers each
 * broken one as a `failed` job saying why, keeps the broken record (quarantined) and every
 * result file, and says so in its log. A second restart answers the same.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { runCli, tempDir } from './helpers.js';
import { errorBody, startServer, waitFor, type Server } from './serverHarness.js';

interface Job {
  id: string;
  state: string;
  error?: { error: string; message: string };
}

let tmp: ReturnType<typeof tempDir>;
let data: string;
let stateDir: string;
let cliBed: string;

before(async () => {
  tmp = tempDir('genomeinfer-jobstore-');
  data = join(tmp.dir, 'data');
  mkdirSync(data);
  await writeExampleGenome(join(data, 'g.fa'), [{ name: 'chr1', length: 40_000 }]);
  stateDir = join(tmp.dir, 'state');
  const r = runCli(['predict', '--model', 'example-cpg', '--fasta', join(data, 'g.fa'), '--out', join(tmp.dir, 'cli.bed'), '--workers', '1', '--device', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  cliBed = readFileSync(join(tmp.dir, 'cli.bed'), 'utf8');
});

after(() => tmp.cleanup());

const args = () => ['--model', 'example-cpg', '--data-root', data];

async function getJob(server: Server, id: string): Promise<Job> {
  const res = await fetch(`${server.url}/v1/jobs/${id}`);
  assert.equal(res.status, 200, `job ${id}: ${await res.clone().text()}`);
  return (await res.json()) as Job;
}

async function finishedJob(server: Server): Promise<string> {
  const res = await fetch(`${server.url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'example-cpg', fasta: 'g.fa' }) });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = (await res.json()) as Job;
  await waitFor(async () => (await getJob(server, id)).state === 'done', 30_000, 'the job to finish');
  return id;
}

/** A valid record of a queued job, as the server writes one. */
function record(id: string): Record<string, unknown> {
  return {
    id,
    model: 'example-cpg/2',
    state: 'queued',
    input: { source: 'dataset', fasta: 'g.fa' },
    progress: { basesDone: 0, basesTotal: 40000 },
    attempts: 0,
    submittedAt: new Date().toISOString(),
  };
}

/** Broken records of every kind: what each job directory holds, and a word the reason must contain. */
const BROKEN: { what: string; reason: RegExp; plant: (dir: string, id: string) => void }[] = [
  { what: 'null', reason: /holds null/, plant: (d) => writeFileSync(join(d, 'job.json'), 'null') },
  { what: 'an empty object', reason: /field model is missing/, plant: (d) => writeFileSync(join(d, 'job.json'), '{}') },
  { what: 'an array', reason: /holds an array/, plant: (d) => writeFileSync(join(d, 'job.json'), '[1,2]') },
  { what: 'a string', reason: /holds a string/, plant: (d) => writeFileSync(join(d, 'job.json'), '"queued"') },
  { what: 'an empty file', reason: /not valid JSON/, plant: (d) => writeFileSync(join(d, 'job.json'), '') },
  { what: 'truncated JSON', reason: /not valid JSON/, plant: (d, id) => writeFileSync(join(d, 'job.json'), JSON.stringify(record(id), null, 2).slice(0, 70)) },
  { what: 'binary garbage', reason: /not valid JSON/, plant: (d) => writeFileSync(join(d, 'job.json'), Buffer.from([0, 159, 146, 150, 255, 0, 1])) },
  { what: "another job's record", reason: /names job 00000000/, plant: (d) => writeFileSync(join(d, 'job.json'), JSON.stringify(record('00000000-0000-4000-8000-000000000000'))) },
  {
    what: 'fields of the wrong type',
    reason: /field state is "flying".*field attempts/,
    plant: (d, id) => writeFileSync(join(d, 'job.json'), JSON.stringify({ ...record(id), state: 'flying', attempts: '2' })),
  },
  { what: 'input missing', reason: /field input is missing/, plant: (d, id) => writeFileSync(join(d, 'job.json'), JSON.stringify({ ...record(id), input: undefined })) },
  { what: 'input fasta as an array', reason: /field input is missing or malformed/, plant: (d, id) => writeFileSync(join(d, 'job.json'), JSON.stringify({ ...record(id), input: { source: 'dataset', fasta: ['g.fa'] } })) },
  { what: 'done without a result', reason: /done but has no result/, plant: (d, id) => writeFileSync(join(d, 'job.json'), JSON.stringify({ ...record(id), state: 'done' })) },
  { what: 'job.json a directory', reason: /job.json is a directory/, plant: (d) => mkdirSync(join(d, 'job.json')) },
  { what: 'no job.json, a result', reason: /job.json is missing/, plant: (d) => writeFileSync(join(d, 'result.bed'), 'chr1\t0\t100\tx\t0\t.\t0\t100\t0\n') },
];

test('a restart with job records of every broken kind: service up, good jobs served, broken ones failed with the reason, nothing deleted', async () => {
  let server = await startServer(stateDir, args());
  let good: string;
  let truncatedDone: string;
  try {
    good = await finishedJob(server);
    truncatedDone = await finishedJob(server);
  } finally {
    await server.stop();
  }
  const jobsDir = join(stateDir, 'jobs');
  // A finished job whose record is cut short: its results must survive.
  const doneDir = join(jobsDir, truncatedDone);
  const doneRecord = readFileSync(join(doneDir, 'job.json'), 'utf8');
  writeFileSync(join(doneDir, 'job.json'), doneRecord.slice(0, doneRecord.length / 2));
  const doneFiles = readdirSync(doneDir).filter((f) => f.startsWith('result')).sort();
  assert.ok(doneFiles.includes('result.bed'), doneFiles.join());

  const planted = BROKEN.map((b) => {
    const id = randomUUID();
    const dir = join(jobsDir, id);
    mkdirSync(dir);
    b.plant(dir, id);
    return { ...b, id, dir, before: readdirSync(dir).sort() };
  });
  // A job directory still being assembled (its submission was never answered) goes away.
  const staging = join(jobsDir, `.new-${randomUUID()}`);
  mkdirSync(join(staging, 'input'), { recursive: true });

  for (let restart = 0; restart < 2; restart++) {
    server = await startServer(stateDir, args());
    try {
      // The good job is served as before, byte for byte.
      assert.equal((await getJob(server, good)).state, 'done');
      assert.equal(await (await fetch(`${server.url}/v1/jobs/${good}/result`)).text(), cliBed);
      for (const b of [...planted, { what: 'a finished job with its record cut short', reason: /not valid JSON/, id: truncatedDone, dir: doneDir }]) {
        const job = await getJob(server, b.id);
        assert.equal(job.state, 'failed', b.what);
        assert.equal(job.error?.error, 'job_record_unreadable', b.what);
        assert.match(job.error!.message, b.reason, b.what);
        assert.match(job.error!.message, /kept as job\.json\.unreadable/, b.what);
        const res = await fetch(`${server.url}/v1/jobs/${b.id}/result`);
        assert.equal(res.status, 409, b.what);
        assert.equal((await errorBody(res)).error, 'job_failed');
      }
      // Quarantined, never deleted: the broken record kept, every other file still there.
      for (const b of planted) {
        const files = readdirSync(b.dir).sort();
        for (const f of b.before) assert.ok(f === 'job.json' ? files.includes('job.json.unreadable') : files.includes(f), `${b.what}: ${f} kept (${files.join()})`);
        assert.ok(!files.includes('job.json.unreadable.2'), `${b.what}: quarantined once, not at every start`);
      }
      assert.equal(readFileSync(join(doneDir, 'job.json.unreadable'), 'utf8'), doneRecord.slice(0, doneRecord.length / 2));
      for (const f of doneFiles) assert.ok(existsSync(join(doneDir, f)), `result ${f} of the cut-short job kept`);
      assert.ok(!existsSync(staging), 'an unacknowledged submission is cleared');
      // The server still takes and runs jobs.
      const fresh = await finishedJob(server);
      assert.equal(await (await fetch(`${server.url}/v1/jobs/${fresh}/result`)).text(), cliBed);
    } finally {
      await server.stop();
    }
    if (restart === 0) {
      // Logged at the first start, naming each job and why.
      const log = server.stdout();
      for (const b of planted) assert.match(log, new RegExp(`"level":40,.*job ${b.id}: .*quarantined`), `${b.what} logged at warn level`);
    }
  }
});
