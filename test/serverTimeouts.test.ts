/**
 * Hangs, over real sockets: clients that stall mid-upload hold no synchronous prediction
 * slot and get 408 once the body idle timeout passes; a Content-Length larger than the body
 * is answered, not waited on; headers and whole requests that are too slow get 408; a slow
 * but steady upload is not cut; idle kept-alive connections are closed. The server runs with
 * short timeouts (the defaults are minutes) and one synchronous slot.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { tempDir } from './helpers.js';
import { startServer, uploadForm, uploadLeftovers, waitFor, type Server } from './serverHarness.js';

let tmp: ReturnType<typeof tempDir>;
let server: Server;
let genome: string;

// Margins for a loaded 2-core CI machine: the steady upload below pauses 500 ms, a third of IDLE_S.
const IDLE_S = 1.5;
const REQUEST_S = 6;

before(async () => {
  tmp = tempDir('genomeinfer-timeouts-');
  genome = join(tmp.dir, 'genome.fa');
  await writeExampleGenome(genome, [{ name: 'chr1', length: 30_000 }]);
  server = await startServer(join(tmp.dir, 'state'), [
    '--model', 'example-cpg', '--max-sync', '1',
    '--body-idle-timeout-seconds', String(IDLE_S), '--header-timeout-seconds', '1',
    '--request-timeout-seconds', String(REQUEST_S), '--keep-alive-timeout-seconds', '1',
  ]);
});

after(async () => {
  await server?.stop();
  tmp.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An open connection to the server, collecting what it answers; `closed` resolves with the text and when. */
function open(): { socket: Socket; closed: Promise<{ text: string; afterMs: number }> } {
  const { port, hostname } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  const t0 = Date.now();
  let text = '';
  socket.setEncoding('utf8').on('data', (d: string) => (text += d));
  socket.on('error', () => undefined);
  const closed = new Promise<{ text: string; afterMs: number }>((resolve) => socket.on('close', () => resolve({ text, afterMs: Date.now() - t0 })));
  return { socket, closed };
}

/** The head of a multipart upload of the genome to /v1/predict, declaring `contentLength` bytes. */
function multipartHead(contentLength: number): { head: string; body: Buffer } {
  const fasta = readFileSync(genome);
  const part = `--XX\r\nContent-Disposition: form-data; name="fasta"; filename="genome.fa"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(part), fasta]);
  const head = `POST /v1/predict?model=example-cpg HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: ${contentLength}\r\n\r\n`;
  return { head, body };
}

function assertJson408(text: string, code: string): void {
  assert.match(text, /^HTTP\/1\.1 408 /, text);
  const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: string; message: string };
  assert.equal(body.error, code, text);
  return void assert.match(body.message, /timeout/);
}

test('two uploads stalled mid-body hold no prediction slot: another predict succeeds meanwhile; the stalled ones get 408 and leave no scratch', async () => {
  const stalled = [open(), open()];
  for (const s of stalled) {
    const { head, body } = multipartHead(1_000_000);
    s.socket.write(head);
    s.socket.write(body.subarray(0, 10_000)); // then nothing more
  }
  await sleep(200);
  const form = await uploadForm({ fasta: genome, fai: `${genome}.fai` });
  const res = await fetch(`${server.url}/v1/predict?model=example-cpg`, { method: 'POST', body: form });
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(await res.text(), /^chr1\t/);
  for (const s of stalled) {
    const { text, afterMs } = await s.closed;
    assertJson408(text, 'request_body_stalled');
    assert.match(text, /--body-idle-timeout-seconds/);
    assert.ok(afterMs < (IDLE_S + 3) * 1000, `answered after ${afterMs} ms`);
  }
  await waitFor(async () => uploadLeftovers(server.stateDir).length === 0, 5000, 'upload scratch to be removed');
});

test('Content-Length larger than the body (JSON and multipart): 408 within the idle timeout, not a wait for the client to give up', async () => {
  const json = open();
  json.socket.write('POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"model": "example-cpg", "fasta": "g.fa"}');
  const multipart = open();
  const { head, body } = multipartHead(readFileSync(genome).length + 5_000);
  multipart.socket.write(head);
  multipart.socket.write(body); // everything but the closing boundary and 5 kB more that never come
  for (const s of [json, multipart]) {
    const { text, afterMs } = await s.closed;
    assertJson408(text, 'request_body_stalled');
    assert.ok(afterMs >= IDLE_S * 1000 - 100 && afterMs < (IDLE_S + 3) * 1000, `answered after ${afterMs} ms`);
  }
});

test('headers never completed: 408 naming the header timeout', async () => {
  const s = open();
  s.socket.write('GET /v1/models HTTP/1.1\r\nHost: x\r\n'); // no blank line
  const { text, afterMs } = await s.closed;
  assertJson408(text, 'request_timeout');
  assert.match(text, /--header-timeout-seconds/);
  assert.ok(afterMs < 4000, `answered after ${afterMs} ms`);
});

test('a slow but steady upload, longer than the idle timeout, is not cut; one slower than the whole-request timeout gets 408', async () => {
  const { head, body } = multipartHead(0);
  const fai = readFileSync(`${genome}.fai`);
  const tail = Buffer.from(`\r\n--XX\r\nContent-Disposition: form-data; name="fai"; filename="genome.fa.fai"\r\n\r\n${fai}\r\n--XX--\r\n`);
  const full = Buffer.concat([body, tail]);
  const send = async (chunks: number, everyMs: number) => {
    const s = open();
    s.socket.write(head.replace('Content-Length: 0', `Content-Length: ${full.length}`));
    const size = Math.ceil(full.length / chunks);
    for (let i = 0; i < chunks && !s.socket.destroyed; i++) {
      s.socket.write(full.subarray(i * size, (i + 1) * size));
      await sleep(everyMs);
    }
    return s.closed;
  };
  // 8 chunks 500 ms apart: 4 s in all (past the idle timeout), never 1.5 s without a byte
  // (the connection then closes at the keep-alive timeout).
  const steady = await send(8, 500);
  assert.match(steady.text, /^HTTP\/1\.1 200 /, steady.text.slice(0, 300));
  assert.match(steady.text, /\r\n\r\nchr1\t/);
  const slow = await send(14, 700); // 9.8 s > the 6 s request timeout
  assertJson408(slow.text, 'request_timeout');
  assert.match(slow.text, /--request-timeout-seconds/);
});

test('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
  const s = open();
  s.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  const { text, afterMs } = await s.closed;
  assert.match(text, /^HTTP\/1\.1 200 /);
  assert.ok(afterMs >= 900 && afterMs < 4000, `closed after ${afterMs} ms`);
});
