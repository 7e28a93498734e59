/**
 * Requests are refused, not bent, over real HTTP: no type coercion of JSON fields (a path
 * given as an array, a number as a string), unknown or repeated query parameters and
 * query numbers that are not plain decimals are 400s naming them, on every route.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { tempDir } from './helpers.js';
import { errorBody, jobDirs, startServer, uploadForm, waitFor, type Server } from './serverHarness.js';

let tmp: ReturnType<typeof tempDir>;
let server: Server;
let genome: string;

before(async () => {
  tmp = tempDir('genomeinfer-strict-');
  const data = join(tmp.dir, 'data');
  mkdirSync(data);
  genome = join(data, 'g.fa');
  await writeExampleGenome(genome, [{ name: 'chr1', length: 20_000 }]);
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg', '--data-root', data]);
});

after(async () => {
  await server?.stop();
  tmp.cleanup();
});

afterEach(() => assert.deepEqual(jobDirs(server.stateDir), [], 'no job was created'));

const postJob = (body: unknown, query = '') =>
  fetch(`${server.url}/v1/jobs${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function expect400(res: Response, needles: string[]): Promise<string> {
  const body = await errorBody(res);
  assert.equal(res.status, 400, JSON.stringify(body));
  assert.equal(body.error, 'invalid_request', body.message);
  for (const n of needles) assert.ok(body.message.includes(n), `lacks ${JSON.stringify(n)}: ${body.message}`);
  return body.message;
}

test('JSON job fields are not coerced: a path as an array, a number, a boolean or null; a threshold as a string; an empty path', async () => {
  const base = { model: 'example-cpg', fasta: 'g.fa' };
  await expect400(await postJob({ ...base, fasta: ['g.fa'] }), ['body.fasta must be string']);
  await expect400(await postJob({ ...base, fasta: 12 }), ['body.fasta must be string']);
  await expect400(await postJob({ ...base, fai: true }), ['body.fai must be string']);
  await expect400(await postJob({ ...base, gzi: null }), ['body.gzi must be string']);
  await expect400(await postJob({ ...base, model: ['example-cpg'] }), ['body.model must be string']);
  await expect400(await postJob({ ...base, tracks: { signal: ['x.bw'] } }), ['body.tracks.signal must be string']);
  await expect400(await postJob({ ...base, threshold: '0.5' }), ['body.threshold must be number']);
  await expect400(await postJob({ ...base, top_n: 1.5 }), ['body.top_n must be integer']);
  await expect400(await postJob({ ...base, fasta: '' }), ['body.fasta must NOT have fewer than 1 characters']);
  // Every problem at once.
  await expect400(await postJob({ model: 'example-cpg', fasta: ['g.fa'], fia: 'x', threshold: 'high' }), ['body.fasta must be string', "unknown field 'fia'", 'body.threshold must be number']);
});

test('unknown query parameters are 400s naming them and the ones the route takes, on every route', async () => {
  const form = async () => uploadForm({ fasta: genome, fai: `${genome}.fai` });
  const predict = await fetch(`${server.url}/v1/predict?model=example-cpg&treshold=0.9`, { method: 'POST', body: await form() });
  await expect400(predict, ["unknown query parameter 'treshold'", 'threshold, min_region_bp, merge_gap_bp, top_n']);
  const upload = await fetch(`${server.url}/v1/jobs?model=example-cpg&min_region=5`, { method: 'POST', body: await form() });
  await expect400(upload, ["unknown query parameter 'min_region'"]);
  const id = '00000000-0000-4000-8000-000000000000';
  for (const url of [`/v1/jobs/${id}?verbose=1`, `/v1/jobs/${id}/result?format=bed&lable=gc_rich`, '/v1/models?all=1', '/v1/models/example-cpg?x=1', '/healthz?probe=1', '/readyz?x', '/metrics?name=x']) {
    await expect400(await fetch(`${server.url}${url}`), ['unknown query parameter']);
  }
  await expect400(await fetch(`${server.url}/v1/jobs/${id}?verbose=1`, { method: 'DELETE' }), ["unknown query parameter 'verbose'"]);
});

test('query numbers must be plain decimals, given once; a JSON job takes its overrides in the body, not the query', async () => {
  const predict = async (query: string) =>
    fetch(`${server.url}/v1/predict?model=example-cpg&${query}`, { method: 'POST', body: await uploadForm({ fasta: genome, fai: `${genome}.fai` }) });
  await expect400(await predict('threshold='), ['querystring.threshold must be number']);
  await expect400(await predict('threshold=0x1'), ['querystring.threshold must be number']);
  await expect400(await predict('threshold=0.5&threshold=0.6'), ['querystring.threshold must be number']);
  await expect400(await predict('top_n=1.5'), ['querystring.top_n must be integer']);
  await expect400(await predict('top_n=-1'), ['querystring.top_n must be >= 0']);
  await expect400(await predict('threshold=1.5'), ['querystring.threshold must be <= 1']);
  const ok = await predict('threshold=0.5&top_n=2&min_region_bp=0');
  assert.equal(ok.status, 200, await ok.clone().text());
  await expect400(await postJob({ model: 'example-cpg', fasta: 'g.fa' }, '?threshold=0.9'), ['threshold', 'in the body, not the query string']);
  // Control: the same job with the override in the body is taken.
  const res = await postJob({ model: 'example-cpg', fasta: 'g.fa', threshold: 0.9 });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = (await res.json()) as { id: string };
  await waitFor(async () => ((await (await fetch(`${server.url}/v1/jobs/${id}`)).json()) as { state: string }).state === 'done', 30_000, 'the job');
  // Not a leftover: removed so the after-each check (no job created) holds.
  rmSync(join(server.stateDir, 'jobs', id), { recursive: true });
});
