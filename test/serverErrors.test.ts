/**
 * Bad requests over real HTTP. Each must get a 4xx JSON `{error, message}` whose message
 * names the problem, leave no upload scratch or job directory behind, and leave the server
 * serving (checked after every case, and by a valid prediction at the end).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { tempDir } from './helpers.js';
import { errorBody, jobDirs, startServer, uploadForm, uploadLeftovers, waitFor, type ErrorBody, type Server } from './serverHarness.js';

const MAX_UPLOAD = 400_000;
let tmp: ReturnType<typeof tempDir>;
let server: Server;
let data: string;
/** A valid two-chromosome genome (50 kb) under the data root. */
let genome: string;
let outside: string;

before(async () => {
  tmp = tempDir('genomeinfer-servererrors-');
  data = join(tmp.dir, 'data');
  mkdirSync(data);
  genome = join(data, 'genome.fa');
  await writeExampleGenome(genome, [{ name: 'chr1', length: 30_000 }, { name: 'chr2', length: 20_000 }]);
  outside = join(tmp.dir, 'outside.fa');
  await writeExampleGenome(outside, [{ name: 'chrX', length: 10_000 }]);
  symlinkSync(outside, join(data, 'escape.fa'));
  symlinkSync(`${outside}.fai`, join(data, 'escape.fa.fai'));
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg', '--data-root', data, '--max-upload-bytes', String(MAX_UPLOAD)]);
});

after(async () => {
  await server?.stop();
  tmp.cleanup();
});

// After every case: nothing left in the upload scratch, no job directory, still serving.
afterEach(async () => {
  await waitFor(async () => uploadLeftovers(server.stateDir).length === 0, 5000, 'upload scratch to be removed');
  assert.deepEqual(jobDirs(server.stateDir), [], 'no job directory was created');
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'still serving');
});

/** Expects `status` and an error body with `code` whose message contains every needle. */
async function expectError(res: Response, status: number, code: string, needles: (string | RegExp)[]): Promise<ErrorBody> {
  const body = await errorBody(res);
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.error, code, body.message);
  for (const n of needles) {
    if (typeof n === 'string') assert.ok(body.message.includes(n), `message lacks ${JSON.stringify(n)}: ${body.message}`);
    else assert.match(body.message, n);
  }
  assert.ok(!body.message.includes(server.stateDir), `message reveals a server path: ${body.message}`);
  return body;
}

/** The same multipart upload to both upload routes. */
const UPLOAD_ROUTES = ['/v1/predict?model=example-cpg', '/v1/jobs?model=example-cpg'];
const post = (route: string, body: BodyInit, headers: Record<string, string> = {}) => fetch(`${server.url}${route}`, { method: 'POST', body, headers });
const postJob = (body: unknown) => post('/v1/jobs', JSON.stringify(body), { 'content-type': 'application/json' });

describe('uploads', () => {
  test('truncated FASTA (its .fai describes more): 400 naming the file and chromosome', async () => {
    const truncated = join(tmp.dir, 'truncated.fa');
    writeFileSync(truncated, readFileSync(genome).subarray(0, 40_000)); // ends inside chr2
    for (const route of UPLOAD_ROUTES) {
      const res = await post(route, await uploadForm({ fasta: truncated, fai: `${genome}.fai` }));
      await expectError(res, 400, 'fasta_index_mismatch', ["'truncated.fa' (field fasta)", "'genome.fa.fai' (field fai)", 'sequence chr2']);
    }
  });

  test('multipart body cut off mid-file (the client hangs up): scratch removed', async () => {
    const { port, hostname } = new URL(server.url);
    const head = `--XX\r\nContent-Disposition: form-data; name="fasta"; filename="genome.fa"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const partial = Buffer.concat([Buffer.from(head), readFileSync(genome).subarray(0, 20_000)]);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /v1/predict?model=example-cpg HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: multipart/form-data; boundary=XX\r\nTransfer-Encoding: chunked\r\n\r\n`,
        );
        socket.write(`${partial.length.toString(16)}\r\n`);
        socket.write(partial);
        socket.end('\r\n'); // no terminating chunk: the body ends early
      });
      let text = '';
      socket.setEncoding('utf8').on('data', (d: string) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    // Whether an answer still reaches a client that hung up is up to the socket; if one does,
    // it is a 400 JSON error (from the multipart reader or from Node's HTTP parser).
    if (reply) assert.match(reply, /^HTTP\/1\.1 400 [\s\S]*\r\n\r\n\{"error":"(malformed_multipart|malformed_request)","message":"[^"]+"\}$/);
  });

  test('upload over --max-upload-bytes: 413 naming the limit', async () => {
    const large = join(tmp.dir, 'large.fa');
    await writeExampleGenome(large, [{ name: 'chr1', length: 600_000 }]);
    for (const route of UPLOAD_ROUTES) {
      const res = await post(route, await uploadForm({ fasta: large, fai: `${large}.fai` }));
      await expectError(res, 413, 'upload_too_large', [`limit of ${MAX_UPLOAD} bytes`, '--max-upload-bytes', 'field fasta']);
    }
  });

  test('missing .fai: 400 naming the FASTA and the fai field', async () => {
    for (const route of UPLOAD_ROUTES) {
      const res = await post(route, await uploadForm({ fasta: genome }));
      await expectError(res, 400, 'fasta_index_missing', ['no fai field', "'genome.fa' (field fasta)", 'samtools faidx']);
    }
  });

  test('malformed multipart: unterminated body, body without parts, wrong content type', async () => {
    const unterminated = `--XX\r\nContent-Disposition: form-data; name="fasta"; filename="a.fa"\r\n\r\n>chr1\nACGT\n`;
    for (const route of UPLOAD_ROUTES) {
      const res = await post(route, unterminated, { 'content-type': 'multipart/form-data; boundary=XX' });
      await expectError(res, 400, 'malformed_multipart', ['multipart body could not be read']);
    }
    const garbage = await post(UPLOAD_ROUTES[0]!, 'not multipart at all', { 'content-type': 'multipart/form-data; boundary=XX' });
    assert.equal(garbage.status, 400);
    assert.match((await errorBody(garbage)).error, /malformed_multipart|upload_fasta_missing/);
    const text = await post(UPLOAD_ROUTES[0]!, 'ACGT', { 'content-type': 'text/plain' });
    await expectError(text, 415, 'multipart_expected', ['multipart/form-data']);
  });

  test('unknown upload field: 400 listing the fields', async () => {
    const res = await post(UPLOAD_ROUTES[0]!, await uploadForm({ fasta: genome, fai: `${genome}.fai`, genome: genome }));
    await expectError(res, 400, 'upload_field_unknown', ['genome', 'fasta, fai, gzi, track:<NAME>']);
  });
});

describe('names that do not exist', () => {
  test('unknown model: 404 listing the served models (predict, jobs upload and jobs JSON, models)', async () => {
    const predict = await post('/v1/predict?model=no-such-model', await uploadForm({ fasta: genome, fai: `${genome}.fai` }));
    await expectError(predict, 404, 'model_unknown', ["'no-such-model'", 'example-cpg@2']);
    const upload = await post('/v1/jobs?model=no-such-model', await uploadForm({ fasta: genome, fai: `${genome}.fai` }));
    await expectError(upload, 404, 'model_unknown', ["'no-such-model'"]);
    const json = await postJob({ model: 'no-such-model', fasta: 'genome.fa' });
    await expectError(json, 404, 'model_unknown', ["'no-such-model'"]);
    await expectError(await fetch(`${server.url}/v1/models/no-such-model`), 404, 'model_unknown', ["'no-such-model'"]);
    await expectError(await fetch(`${server.url}/v1/models/example-cpg@9`), 404, 'model_unknown', ["'example-cpg@9'"]);
  });

  test('unknown job: 404 for status, result and cancel', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    await expectError(await fetch(`${server.url}/v1/jobs/${id}`), 404, 'job_not_found', [id]);
    await expectError(await fetch(`${server.url}/v1/jobs/${id}/result`), 404, 'job_not_found', [id]);
    await expectError(await fetch(`${server.url}/v1/jobs/${id}`, { method: 'DELETE' }), 404, 'job_not_found', [id]);
    await expectError(await fetch(`${server.url}/v1/jobs/..%2F..%2Fetc`), 404, 'job_not_found', []);
  });

  test('dataset file missing under the data roots: 404 naming the path', async () => {
    await expectError(await postJob({ model: 'example-cpg', fasta: 'nope.fa' }), 404, 'dataset_not_found', ["'nope.fa'", 'field fasta']);
  });
});

describe('request validation', () => {
  test('a misspelt JSON field, a wrong type, an unknown result format: 400 naming them', async () => {
    await expectError(await postJob({ model: 'example-cpg', fasta: 'genome.fa', fia: 'genome.fa.fai' }), 400, 'invalid_request', ["unknown field 'fia'"]);
    await expectError(await postJob({ model: 'example-cpg', fasta: 'genome.fa', threshold: 'high' }), 400, 'invalid_request', ['body.threshold must be number']);
    await expectError(await post('/v1/jobs', 'fasta=genome.fa', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type', ['application/json']);
    const id = '00000000-0000-4000-8000-000000000000';
    await expectError(await fetch(`${server.url}/v1/jobs/${id}/result?format=vcf`), 400, 'invalid_request', ['format must be one of bed, bedgraph, bigwig']);
  });
});

describe('dataset paths confined to the data roots', () => {
  test("path with '..': 400", async () => {
    for (const fasta of ['../outside.fa', 'sub/../../outside.fa', '..']) {
      await expectError(await postJob({ model: 'example-cpg', fasta }), 400, 'dataset_path_traversal', [`'${fasta}'`, "'..'"]);
    }
    await expectError(await postJob({ model: 'example-cpg', fasta: 'genome.fa', fai: '../outside.fa.fai' }), 400, 'dataset_path_traversal', ['field fai']);
  });

  test('absolute path outside the roots: 403', async () => {
    for (const fasta of [outside, '/etc/passwd']) {
      await expectError(await postJob({ model: 'example-cpg', fasta }), 403, 'dataset_outside_data_roots', [`'${fasta}'`, 'absolute path outside']);
    }
  });

  test('symlink inside a root pointing outside: 403', async () => {
    await expectError(await postJob({ model: 'example-cpg', fasta: 'escape.fa' }), 403, 'dataset_outside_data_roots', ["'escape.fa'", 'symbolic link']);
    // The default index next to a valid FASTA is confined too.
    symlinkSync(`${outside}.fai`, join(data, 'genome2.fa.fai'));
    writeFileSync(join(data, 'genome2.fa'), readFileSync(genome));
    await expectError(await postJob({ model: 'example-cpg', fasta: 'genome2.fa' }), 403, 'dataset_outside_data_roots', ["'genome2.fa.fai'", 'field fai']);
  });

  test('absolute path inside a root is accepted (control)', async () => {
    const res = await postJob({ model: 'example-cpg', fasta: genome });
    assert.equal(res.status, 202, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    await waitFor(async () => ((await (await fetch(`${server.url}/v1/jobs/${id}`)).json()) as { state: string }).state === 'done', 30_000, 'the job');
    // Not a leftover: remove it so the after-each check (no job directories) holds.
    rmSync(join(server.stateDir, 'jobs', id), { recursive: true });
  });
});

describe('the server still predicts after all of that', () => {
  test('a valid upload returns BED', async () => {
    const res = await post('/v1/predict?model=example-cpg', await uploadForm({ fasta: genome, fai: `${genome}.fai` }));
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(await res.text(), /^chr1\t\d+\t\d+\t/);
  });
});

describe('bearer token (GENOMEINFER_TOKEN)', () => {
  let authed: Server;
  before(async () => {
    authed = await startServer(join(tmp.dir, 'state-auth'), ['--model', 'example-cpg'], { GENOMEINFER_TOKEN: 's3cret-token' });
  });
  after(async () => {
    await authed?.stop();
  });

  test('missing or wrong token: 401 JSON with WWW-Authenticate; the right one works; probes stay open', async () => {
    const routes: [string, RequestInit][] = [
      ['/v1/models', {}],
      ['/v1/jobs/00000000-0000-4000-8000-000000000000', {}],
      ['/metrics', {}],
      ['/v1/predict?model=example-cpg', { method: 'POST', body: await uploadForm({ fasta: genome, fai: `${genome}.fai` }) }],
    ];
    for (const [route, init] of routes) {
      const missing = await fetch(`${authed.url}${route}`, init);
      const body = await errorBody(missing);
      assert.equal(missing.status, 401, route);
      assert.equal(body.error, 'unauthorized');
      assert.match(body.message, /requires a bearer token/);
      assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    for (const header of ['Bearer wrong-token', 'Bearer s3cret-token-and-more', 'Basic czNjcmV0LXRva2Vu', 's3cret-token']) {
      const wrong = await fetch(`${authed.url}/v1/models`, { headers: { authorization: header } });
      assert.equal(wrong.status, 401, header);
      assert.match((await errorBody(wrong)).message, /not valid/);
    }
    const ok = await fetch(`${authed.url}/v1/models`, { headers: { authorization: 'Bearer s3cret-token' } });
    assert.equal(ok.status, 200);
    assert.ok(((await ok.json()) as { models: unknown[] }).models.length > 0);
    for (const open of ['/healthz', '/readyz']) assert.equal((await fetch(`${authed.url}${open}`)).status, 200, open);
    assert.deepEqual(uploadLeftovers(authed.stateDir), []);
  });
});
