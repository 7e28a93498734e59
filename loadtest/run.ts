/**
 * `npm run loadtest`: autocannon against `genomeinfer serve` on 127.0.0.1, bounded in time.
 * The server gets W workers and W synchronous-prediction slots and a queue of Q jobs; every
 * scenario offers 4× that capacity, so the excess must be shed with 503/429 (never hang),
 * /healthz must stay fast meanwhile, and the server's RSS must stay bounded: it serves every
 * bundled model (what a deployment runs), and its RSS is reported idle once all are ready,
 * at its peak under load, and idle again after the load (issue 13: ≤ 1 GiB idle, ≤ 1.5 GiB
 * peak).
 *
 * Scenarios: (1) small synchronous predictions with /healthz probes alongside; (2) a burst
 * of job submissions. Environment: LOADTEST_SECONDS (per scenario, default 10),
 * LOADTEST_WORKERS (default 2), LOADTEST_QUEUE (default 8).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { multipartBody } from './multipart.js';
import { cannon, printTable, summarize, type Row } from './report.js';
import { sampleRss, startServer } from './server.js';
import { DEFAULT_RELEASE_IDLE_MS } from '../src/inference/engine.js';

const seconds = Number(process.env.LOADTEST_SECONDS ?? 10);
const workers = Number(process.env.LOADTEST_WORKERS ?? 2);
const queue = Number(process.env.LOADTEST_QUEUE ?? 8);
const OVERLOAD = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The peak RSS over 2 s of a server nobody is asking anything. */
async function idleRss(pid: number): Promise<number> {
  const idle = sampleRss(pid);
  await sleep(2000);
  return idle.stop().peakBytes;
}

const dir = mkdtempSync(join(tmpdir(), 'genomeinfer-loadtest-'));
try {
  const data = join(dir, 'data');
  mkdirSync(data);
  const fasta = join(data, 'small.fa');
  // Two chromosomes, 300 kb: one synchronous prediction is a few tens of milliseconds of inference.
  await writeExampleGenome(fasta, [{ name: 'chr1', length: 200_000 }, { name: 'chr2', length: 100_000 }], 3);
  const server = await startServer([
    '--state-dir', join(dir, 'state'), '--data-root', data, '--device', 'cpu',
    '--workers', String(workers), '--max-sync', String(workers), '--max-queued-jobs', String(queue), '--max-running-jobs', '1',
  ]);
  // Idle: every model loaded and run once at its batch shape, nothing asked of it. The
  // sessions are released after that check; the last release may still be under way at
  // /readyz, so the idle window starts a few seconds later.
  await sleep(3000);
  const idleBytes = await idleRss(server.pid);
  const rss = sampleRss(server.pid);
  const rows: Row[] = [];
  let memory: { peakBytes: number; lastBytes: number };
  try {
    const upload = await multipartBody({ fasta, fai: `${fasta}.fai` });
    const predict = cannon({
      url: `${server.url}/v1/predict?model=example-cpg`,
      method: 'POST',
      headers: { 'content-type': upload.contentType },
      body: upload.body,
      connections: OVERLOAD * workers,
      duration: seconds,
      timeout: 30,
    });
    const probes = cannon({ url: `${server.url}/healthz`, connections: 1, overallRate: 20, duration: seconds, timeout: 5 });
    const [p, h] = await Promise.all([predict.result, probes.result]);
    rows.push(summarize(`predict (sync, ${OVERLOAD * workers} conns)`, p, predict.ok), summarize('/healthz during predict load', h, probes.ok));

    const jobs = cannon({
      url: `${server.url}/v1/jobs`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'example-cpg', fasta: 'small.fa' }),
      connections: OVERLOAD * queue,
      amount: OVERLOAD * queue * 4,
      timeout: 30,
    });
    rows.push(summarize(`job burst (${OVERLOAD * queue} conns)`, await jobs.result, jobs.ok));
  } finally {
    memory = rss.stop();
  }
  // Idle again after the load: sessions unused for --release-idle-seconds (default 10) are
  // released and feature threads retire after 5 s, so the server returns to its idle size.
  let afterBytes: number;
  try {
    await sleep(DEFAULT_RELEASE_IDLE_MS + 3000);
    afterBytes = await idleRss(server.pid);
  } finally {
    await server.stop();
  }
  printTable(rows);
  const health = rows.find((r) => r.name.startsWith('/healthz'))!;
  const verdicts = [
    [`/healthz p99 ${health.p99Ms} ms < 100 ms`, health.p99Ms < 100],
    ['no timeouts or connection errors', rows.every((r) => r.timeouts === 0 && r.errors === 0)],
    ['excess shed as 503/429 (some non-2xx under overload)', rows.filter((r) => !r.name.startsWith('/healthz')).every((r) => r.s4xx + r.s5xx > 0)],
    [`server idle RSS, every bundled model ready: ${(idleBytes / 2 ** 20).toFixed(0)} MiB <= 1024 MiB`, idleBytes <= 2 ** 30],
    [`server idle RSS again ${(DEFAULT_RELEASE_IDLE_MS + 3000) / 1000} s after the load: ${(afterBytes / 2 ** 20).toFixed(0)} MiB <= 1024 MiB`, afterBytes <= 2 ** 30],
    [`server peak RSS under load ${(memory.peakBytes / 2 ** 20).toFixed(0)} MiB (last ${(memory.lastBytes / 2 ** 20).toFixed(0)} MiB) <= 1536 MiB`, memory.peakBytes <= 1.5 * 2 ** 30],
  ] as const;
  for (const [what, ok] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  if (verdicts.some(([, ok]) => !ok)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
