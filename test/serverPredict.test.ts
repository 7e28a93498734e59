/**
 * POST /v1/predict over real HTTP: the BED equals the CLI's `predict` output byte for byte
 * (plain and bgzip FASTA), genomes over --max-sync-bp get 413, and a second synchronous
 * prediction beyond --max-sync gets 503 with Retry-After.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { python, runCli, sh, tempDir } from './helpers.js';
import { errorBody, startServer, uploadForm, uploadLeftovers, type Server } from './serverHarness.js';

let tmp: ReturnType<typeof tempDir>;
let server: Server;
let fasta: string;
let bgzip: string;
/** The example genome: 4.02 Mb; the server's --max-sync-bp sits between it and the small one. */
let small: string;

const cliBeds = new Map<string, string>();
/** The CLI's BED for `path` (computed once per file). */
function cliBed(path: string): string {
  let bed = cliBeds.get(path);
  if (bed === undefined) cliBeds.set(path, (bed = runCliPredict(path)));
  return bed;
}

function runCliPredict(path: string, model = 'example-cpg'): string {
  const out = join(tmp.dir, `cli-${Math.random().toString(16).slice(2)}.bed`);
  const r = runCli(['predict', '--model', model, '--fasta', path, '--out', out, '--workers', '1', '--device', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(out, 'utf8');
}

before(async () => {
  tmp = tempDir('genomeinfer-serverpredict-');
  fasta = join(tmp.dir, 'example.fa');
  await writeExampleGenome(fasta);
  bgzip = join(tmp.dir, 'example.fa.gz');
  sh('bash', ['-c', 'bgzip -c "$1" > "$2" && samtools faidx "$2"', '_', fasta, bgzip]);
  small = join(tmp.dir, 'small.fa');
  await writeExampleGenome(small, [{ name: 'chrA', length: 150_000 }, { name: 'chrB', length: 90_000 }], 5);
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg', '--model', 'example-signal', '--max-sync-bp', '5000000', '--max-sync', '1']);
});

after(async () => {
  await server?.stop();
  tmp.cleanup();
});

async function predict(files: Record<string, string>, model = 'example-cpg'): Promise<Response> {
  return fetch(`${server.url}/v1/predict?model=${model}`, { method: 'POST', body: await uploadForm(files) });
}

test('plain FASTA upload: BED byte-identical to the CLI', async () => {
  const res = await predict({ fasta, fai: `${fasta}.fai` });
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(res.headers.get('x-genomeinfer-model'), 'example-cpg/2');
  const bed = await res.text();
  const expected = cliBed(fasta);
  assert.ok(expected.split('\n').length > 100, 'the example genome has regions');
  assert.equal(bed, expected);
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
});

test('bgzip FASTA upload (+ .fai + .gzi): BED byte-identical to the CLI, and to the plain FASTA', async () => {
  const res = await predict({ fasta: bgzip, fai: `${bgzip}.fai`, gzi: `${bgzip}.gzi` });
  assert.equal(res.status, 200, await res.clone().text());
  const bed = await res.text();
  assert.equal(bed, cliBed(bgzip));
  assert.equal(bed, cliBed(fasta));
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
});

test('bgzip FASTA without its .gzi: 400 naming the missing index by its field', async () => {
  const res = await predict({ fasta: bgzip, fai: `${bgzip}.fai` });
  assert.equal(res.status, 400);
  const body = await errorBody(res);
  assert.equal(body.error, 'fasta_gzi_missing');
  assert.match(body.message, /'example\.fa\.gz' \(field fasta\) needs its \.gzi index/);
  assert.match(body.message, /field gzi/);
  assert.doesNotMatch(body.message, new RegExp(server.stateDir), 'server paths stay private');
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
});

test('a model version can be named; region overrides apply like the CLI options', async () => {
  const form = await uploadForm({ fasta: small, fai: `${small}.fai` });
  const res = await fetch(`${server.url}/v1/predict?model=example-cpg@1&threshold=0.3&min_region_bp=100`, { method: 'POST', body: form });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('x-genomeinfer-model'), 'example-cpg/1');
  const out = join(tmp.dir, 'v1.bed');
  const r = runCli(['predict', '--model', 'example-cpg@1', '--fasta', small, '--out', out, '--threshold', '0.3', '--min-region-bp', '100', '--workers', '1', '--device', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(await res.text(), readFileSync(out, 'utf8'));
});

test('track model: a bigWig uploaded as field track:signal gives the CLI --track output', async () => {
  const bw = join(tmp.dir, 'signal.bw');
  // A signal with a few enriched stretches on both chromosomes of the small genome.
  python(
    `
import sys, pyBigWig
bw = pyBigWig.open(sys.argv[1], 'w')
bw.addHeader([('chrA', 150000), ('chrB', 90000)])
bw.addEntries(['chrA'] * 3, [10000, 60000, 120000], ends=[14000, 61000, 130000], values=[50.0, 8.0, 30.0])
bw.addEntries(['chrB'] * 2, [5000, 70000], ends=[9000, 80000], values=[40.0, 12.0])
bw.close()
`,
    [bw],
  );
  const res = await predict({ fasta: small, fai: `${small}.fai`, 'track:signal': bw }, 'example-signal');
  assert.equal(res.status, 200, await res.clone().text());
  const out = join(tmp.dir, 'signal.bed');
  const r = runCli(['predict', '--model', 'example-signal', '--fasta', small, '--track', `signal=${bw}`, '--out', out, '--workers', '1', '--device', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  const expected = readFileSync(out, 'utf8');
  assert.ok(expected.includes('chrA') && expected.includes('chrB'), `the signal calls regions on both chromosomes: ${expected}`);
  assert.equal(await res.text(), expected);

  // A bigWig cut short is the client's file at fault: 400 naming it, not a 500 mid-prediction.
  const cut = join(tmp.dir, 'cut.bw');
  const bytes = readFileSync(bw);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const truncated = await predict({ fasta: small, fai: `${small}.fai`, 'track:signal': cut }, 'example-signal');
  const truncatedBody = await errorBody(truncated);
  assert.equal(truncated.status, 400, JSON.stringify(truncatedBody));
  assert.equal(truncatedBody.error, 'bigwig_truncated');
  assert.match(truncatedBody.message, /'cut\.bw' \(field track:signal\) \(track signal\) is truncated/);

  const missing = await predict({ fasta: small, fai: `${small}.fai` }, 'example-signal');
  assert.equal(missing.status, 400);
  const body = await errorBody(missing);
  assert.equal(body.error, 'track_missing');
  assert.match(body.message, /needs a bigWig for track signal/);
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
});

test('genome over --max-sync-bp: 413 pointing to jobs', async () => {
  const big = join(tmp.dir, 'big.fa');
  await writeExampleGenome(big, [{ name: 'chr1', length: 3_000_000 }, { name: 'chr2', length: 2_500_000 }], 9);
  const res = await predict({ fasta: big, fai: `${big}.fai` });
  assert.equal(res.status, 413);
  const body = await errorBody(res);
  assert.equal(body.error, 'genome_too_large_for_sync');
  assert.match(body.message, /5500000 bases/);
  assert.match(body.message, /--max-sync-bp 5000000/);
  assert.match(body.message, /POST \/v1\/jobs/);
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
});

test('beyond --max-sync concurrent predictions: 503 with Retry-After, and the first still succeeds', async () => {
  const [a, b] = await Promise.all([predict({ fasta, fai: `${fasta}.fai` }), predict({ fasta, fai: `${fasta}.fai` })]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [200, 503], `statuses ${statuses}`);
  const busy = a.status === 503 ? a : b;
  const ok = a.status === 200 ? a : b;
  assert.ok(Number(busy.headers.get('retry-after')) >= 1, 'Retry-After header');
  const body = await errorBody(busy);
  assert.equal(body.error, 'predict_busy');
  assert.match(body.message, /POST \/v1\/jobs/);
  assert.equal(await ok.text(), cliBed(fasta));
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
});
