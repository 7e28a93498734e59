/**
 * Graceful shutdown over a real socket: a request still in flight when SIGTERM arrives is
 * answered in full, and its kept-alive connection is then closed at once, so the server
 * exits without waiting out the keep-alive timeout (it used to wait the whole 72 s default
 * whenever a response was still ending at SIGTERM, e.g. a result file whose last byte the
 * client already had).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { runCli, tempDir } from './helpers.js';
import { startServer, uploadForm, waitFor, type Server } from './serverHarness.js';

// Long enough that waiting it out cannot pass for closing at once.
const KEEP_ALIVE_S = 30;

test('SIGTERM during an upload: the prediction is answered, then the connection closes and the server exits, without the keep-alive wait', async () => {
  const tmp = tempDir('genomeinfer-shutdown-');
  let server: Server | undefined;
  try {
    const genome = join(tmp.dir, 'genome.fa');
    await writeExampleGenome(genome, [{ name: 'chr1', length: 30_000 }]);
    const expectedBed = cliBed(genome, join(tmp.dir, 'cli.bed'));
    server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg', '--keep-alive-timeout-seconds', String(KEEP_ALIVE_S)]);

    // The multipart body fetch would send, written by hand below so that it can stop halfway.
    const upload = new Request(server.url, { method: 'POST', body: await uploadForm({ fasta: genome, fai: `${genome}.fai` }) });
    const body = Buffer.from(await upload.arrayBuffer());
    const { port, hostname } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    let text = '';
    socket.setEncoding('utf8').on('data', (d: string) => (text += d));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    // HTTP/1.1 without `Connection: close`: the client would keep the connection.
    socket.write(`POST /v1/predict?model=example-cpg HTTP/1.1\r\nHost: x\r\nContent-Type: ${upload.headers.get('content-type')}\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, 100));
    // The request is in flight (headers read, body awaited) before the signal.
    await once(socket, 'connect');
    await new Promise((r) => setTimeout(r, 300));

    const exitCode = server.stop();
    const { stderr } = server;
    await waitFor(async () => stderr().includes('SIGTERM: shutting down'), 10_000, 'the server to start shutting down');
    await new Promise((r) => setTimeout(r, 200));
    const sentAt = Date.now();
    socket.write(body.subarray(100));

    const closedAt = await closed;
    assert.match(text, /^HTTP\/1\.1 200 /, `${text.slice(0, 300)} after ${closedAt - sentAt} ms; stderr: ${server.stderr()}`);
    assert.equal(text.slice(text.indexOf('\r\n\r\n') + 4), expectedBed, 'the whole BED, as the CLI writes it');
    assert.ok(closedAt - sentAt < 10_000, `connection closed ${closedAt - sentAt} ms after the body (keep-alive timeout ${KEEP_ALIVE_S} s)`);
    assert.equal(await exitCode, 0, server.stderr());
    assert.ok(Date.now() - sentAt < 10_000, `server exited ${Date.now() - sentAt} ms after the body`);
  } finally {
    await server?.kill();
    tmp.cleanup();
  }
});

function cliBed(genome: string, out: string): string {
  const res = runCli(['predict', '--model', 'example-cpg', '--fasta', genome, '--out', out, '--workers', '1', '--device', 'cpu']);
  assert.equal(res.status, 0, res.stderr);
  return readFileSync(out, 'utf8');
}
