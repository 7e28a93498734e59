/**
 * Observability over real HTTP: after known traffic, a /metrics scrape passes
 * `promtool check metrics` and its pipeline metrics count exactly the work that was done
 * (bases, segments, batches, chromosomes stitched, jobs, requests, errors); /healthz,
 * /readyz and the OpenAPI document at /docs answer.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EXAMPLE_CHROMOSOMES, writeExampleGenome } from '../src/examples/exampleGenome.js';
import { MODELS, tempDir } from './helpers.js';
import { startServer, uploadForm, waitFor, type Server } from './serverHarness.js';

const MODEL = 'example-cpg/2';
let tmp: ReturnType<typeof tempDir>;
let server: Server;
let fasta: string;

before(async () => {
  tmp = tempDir('genomeinfer-servermetrics-');
  const data = join(tmp.dir, 'data');
  mkdirSync(data);
  fasta = join(data, 'example.fa');
  await writeExampleGenome(fasta);
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg@2', '--data-root', data]);
});

after(async () => {
  await server?.stop();
  tmp.cleanup();
});

/** Sample lines of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
}

test('health, readiness and the OpenAPI document', async () => {
  assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: 'ok' });
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready', models: [{ ref: 'example-cpg@2', state: 'ready' }] });
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
  assert.match(doc.openapi, /^3\./);
  const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
  for (const r of ['GET /v1/models', 'GET /v1/models/{name}', 'POST /v1/predict', 'POST /v1/jobs', 'GET /v1/jobs/{id}', 'GET /v1/jobs/{id}/result', 'DELETE /v1/jobs/{id}', 'POST /v1/attribution', 'GET /healthz', 'GET /readyz', 'GET /metrics']) {
    assert.ok(routes.includes(r), `OpenAPI lacks ${r}: ${routes.join(', ')}`);
  }
  assert.deepEqual(Object.keys(doc.components.schemas).sort(), ['Attribution', 'Error', 'Job', 'Model']);
  const ui = await fetch(`${server.url}/docs`);
  assert.equal(ui.status, 200);
  assert.match(await ui.text(), /swagger/i);
});

test('after traffic, promtool accepts the scrape and the pipeline metrics count the work done', async () => {
  const before = samples(await scrape());
  assert.equal(before.get(`genomeinfer_bases_inferred_total{model="${MODEL}"}`) ?? 0, 0, 'warm-up is not counted as work');

  // Two synchronous predictions, one job, and three client errors.
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${server.url}/v1/predict?model=example-cpg`, { method: 'POST', body: await uploadForm({ fasta, fai: `${fasta}.fai` }) });
    assert.equal(res.status, 200, await res.clone().text());
    await res.text();
  }
  const submitted = await fetch(`${server.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'example-cpg', fasta: 'example.fa' }),
  });
  assert.equal(submitted.status, 202);
  const { id } = (await submitted.json()) as { id: string };
  await waitFor(async () => ((await (await fetch(`${server.url}/v1/jobs/${id}`)).json()) as { state: string }).state === 'done', 30_000, 'the job');
  assert.equal((await fetch(`${server.url}/v1/predict?model=nope`, { method: 'POST', body: await uploadForm({ fasta, fai: `${fasta}.fai` }) })).status, 404);
  assert.equal((await fetch(`${server.url}/v1/jobs/00000000-0000-4000-8000-000000000000`)).status, 404);
  assert.equal((await fetch(`${server.url}/v1/predict?model=example-cpg`, { method: 'POST', body: await uploadForm({ fasta }) })).status, 400);

  const text = await scrape();
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(promtool.error, undefined, `promtool: ${promtool.error} (install Debian package prometheus)`);
  assert.equal(promtool.status, 0, `promtool check metrics failed:\n${promtool.stdout}${promtool.stderr}`);

  const m = samples(text);
  const get = (key: string) => {
    const v = m.get(key);
    assert.notEqual(v, undefined, `no sample ${key}`);
    return v!;
  };
  // Expected work, from the genome and the model's manifest: 3 predictions of the whole genome.
  const runs = 3;
  const genomeBases = EXAMPLE_CHROMOSOMES.reduce((s, c) => s + c.length, 0);
  const { segment_bp } = JSON.parse(readFileSync(join(MODELS, 'example-cpg', '2', 'model.json'), 'utf8')).input as { segment_bp: number };
  const segments = EXAMPLE_CHROMOSOMES.reduce((s, c) => s + Math.ceil(c.length / segment_bp), 0);
  assert.equal(get(`genomeinfer_bases_inferred_total{model="${MODEL}"}`), runs * genomeBases);
  assert.equal(get(`genomeinfer_segments_inferred_total{model="${MODEL}"}`), runs * segments);
  const batches = get(`genomeinfer_batch_size_count{model="${MODEL}"}`);
  assert.equal(get(`genomeinfer_batch_size_sum{model="${MODEL}"}`), runs * segments, 'batch sizes add up to the segments');
  assert.ok(batches >= Math.ceil((runs * segments) / 8) && batches <= runs * segments, `batches: ${batches}`);
  assert.equal(get(`genomeinfer_inference_duration_seconds_count{model="${MODEL}"}`), batches);
  assert.ok(get(`genomeinfer_inference_duration_seconds_sum{model="${MODEL}"}`) > 0);
  assert.equal(get(`genomeinfer_queue_wait_duration_seconds_count{model="${MODEL}"}`), batches);
  assert.equal(get(`genomeinfer_stitch_duration_seconds_count{model="${MODEL}"}`), runs * EXAMPLE_CHROMOSOMES.length);
  assert.equal(get('genomeinfer_jobs{state="done"}'), 1);
  assert.equal(get('genomeinfer_jobs{state="queued"}'), 0);
  assert.equal(get('genomeinfer_job_queue_depth'), 0);
  assert.equal(get('genomeinfer_segments_in_flight'), 0);
  const utilization = get('genomeinfer_worker_utilization_ratio');
  assert.ok(utilization > 0 && utilization <= 1, `utilization ${utilization}`);
  assert.equal(get('genomeinfer_http_requests_total{method="POST",route="/v1/predict",status="200"}'), 2);
  assert.equal(get('genomeinfer_http_requests_total{method="POST",route="/v1/predict",status="404"}'), 1);
  assert.equal(get('genomeinfer_http_requests_total{method="POST",route="/v1/predict",status="400"}'), 1);
  assert.equal(get('genomeinfer_http_requests_total{method="POST",route="/v1/jobs",status="202"}'), 1);
  assert.equal(get('genomeinfer_http_request_duration_seconds_count{method="POST",route="/v1/predict"}'), 4);
  assert.equal(get('genomeinfer_errors_total{kind="not_found"}'), 2);
  assert.equal(get('genomeinfer_errors_total{kind="usage"}'), 1);
  assert.ok(get('genomeinfer_upload_bytes_total') >= 2 * readFileSync(fasta).length);
  assert.ok(get('genomeinfer_process_resident_memory_bytes') > 0);
});
