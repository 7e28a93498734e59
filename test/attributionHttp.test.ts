/**
 * POST /v1/attribution over real HTTP: a small region answered at once (JSON dataset paths and
 * a multipart upload), a larger one queued as a job whose result files equal `genomeinfer
 * attribute`'s byte for byte, and the 4xx answers; the OpenAPI document declares the route.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { runCli, tempDir } from './helpers.js';
import { errorBody, jobDirs, startServer, uploadForm, uploadLeftovers, waitFor, type Server } from './serverHarness.js';

interface Base {
  start: number;
  ref: string;
  delta: Record<string, number | null>;
  maxAbs: number;
  mean: number;
  strongest: string | null;
}
interface Answer {
  model: string;
  label: string;
  region: string;
  chrom: string;
  affectedBins: { start: number; end: number; binBp: number };
  segments: number;
  mutants: number;
  bases: Base[];
  top: Base[];
}

let tmp: ReturnType<typeof tempDir>;
let server: Server;
let fasta: string;

before(async () => {
  tmp = tempDir();
  fasta = join(tmp.dir, 'data', 'genome.fa');
  await import('node:fs').then((fs) => fs.mkdirSync(join(tmp.dir, 'data')));
  await writeExampleGenome(fasta, [{ name: 'chr1', length: 150_000 }, { name: 'chr2', length: 3_000 }], 11);
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg@2', '--model', 'example-kmer', '--data-root', join(tmp.dir, 'data'), '--max-sync-attribution-bp', '20', '--workers', '2']);
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

/** The CLI's TSV and bigWigs for the same request. */
function cliAttribution(region: string, label: string, top: number): string {
  const prefix = join(tmp.dir, 'cli', region.replace(/[:,-]/g, '_'));
  const r = runCli(['attribute', '--model', 'example-cpg@2', '--fasta', fasta, '--region', region, '--label', label, '--top', String(top), '--out', prefix, '--workers', '1']);
  assert.equal(r.status, 0, r.stderr);
  return prefix;
}

const post = (body: unknown) => fetch(`${server.url}/v1/attribution`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('a region up to --max-sync-attribution-bp: 200 with every base, the same from JSON paths and from an upload, equal to the CLI', async () => {
  const res = await post({ model: 'example-cpg', fasta: 'genome.fa', region: 'chr1:100,001-100,015', label: 'cpg_island', top: 5 });
  assert.equal(res.status, 200, await res.clone().text());
  const answer = (await res.json()) as Answer;
  assert.equal(answer.model, 'example-cpg/2');
  assert.equal(answer.region, 'chr1:100001-100015');
  assert.equal(answer.bases.length, 15);
  assert.deepEqual(answer.bases.map((b) => b.start), Array.from({ length: 15 }, (_, i) => 100_000 + i));
  assert.equal(answer.segments, 2, 'the region is in the inputs of segments 0 and 1');
  assert.deepEqual(answer.affectedBins, { start: 0, end: 1_500, binBp: 100 });
  assert.equal(answer.top.length, 5);
  for (const b of answer.bases) {
    assert.equal(b.delta[b.ref], 0, 'the reference letter has no change');
    const three = ['A', 'C', 'G', 'T'].filter((x) => x !== b.ref).map((x) => b.delta[x]!);
    assert.ok(Math.abs(b.maxAbs - Math.max(...three.map(Math.abs))) < 1e-6);
  }
  const tsv = readFileSync(`${cliAttribution('chr1:100001-100015', 'cpg_island', 5)}.attribution.tsv`, 'utf8').trimEnd().split('\n').slice(2);
  assert.deepEqual(
    tsv.map((l) => l.split('\t').slice(1, 4).join(' ')),
    answer.top.map((b) => `${b.start} ${b.start + 1} ${b.ref}`),
    'the CLI ranks the same positions first',
  );
  for (const [k, line] of tsv.entries()) assert.ok(Math.abs(Number(line.split('\t')[8]) - answer.top[k]!.maxAbs) < 1e-6);

  const form = await uploadForm({ fasta, fai: `${fasta}.fai` }, { model: 'example-cpg@2', region: 'chr1:100001-100015', label: 'cpg_island', top: '5' });
  const uploaded = await fetch(`${server.url}/v1/attribution`, { method: 'POST', body: form });
  assert.equal(uploaded.status, 200, await uploaded.clone().text());
  const again = (await uploaded.json()) as Answer;
  assert.deepEqual(again.bases, answer.bases, 'same deltas, bit for bit');
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
});

test('a larger region becomes a job: 202, then its four result files equal the CLI’s byte for byte; bigWig ranges answer 206', async () => {
  const before = jobDirs(server.stateDir).length;
  const res = await post({ model: 'example-cpg', fasta: 'genome.fa', region: 'chr2:2,961-3,000', label: 'motif_dense', top: 7 });
  assert.equal(res.status, 202, await res.clone().text());
  const job = (await res.json()) as { id: string; attribution: { region: string; label: string; top: number }; progress: { basesTotal: number } };
  assert.deepEqual(job.attribution, { region: 'chr2:2961-3000', label: 'motif_dense', top: 7 });
  assert.equal(job.progress.basesTotal, 40);
  assert.equal(res.headers.get('location'), `/v1/jobs/${job.id}`);
  assert.equal(jobDirs(server.stateDir).length, before + 1);
  let view: { state: string; result?: { formats: string[]; bases: number; labels: string[] }; error?: unknown } = { state: 'queued' };
  await waitFor(async () => {
    view = (await (await fetch(`${server.url}/v1/jobs/${job.id}`)).json()) as typeof view;
    return view.state === 'done' || view.state === 'failed';
  }, 60_000, 'the attribution job');
  assert.equal(view.state, 'done', JSON.stringify(view.error));
  assert.deepEqual(view.result!.formats, ['attribution_maxabs', 'attribution_mean', 'attribution_tsv', 'attribution_svg']);
  assert.equal(view.result!.bases, 40);

  const prefix = cliAttribution('chr2:2961-3000', 'motif_dense', 7);
  for (const [format, ext] of [
    ['attribution_maxabs', 'maxabs.bw'],
    ['attribution_mean', 'mean.bw'],
    ['attribution_tsv', 'tsv'],
    ['attribution_svg', 'svg'],
  ]) {
    const r = await fetch(`${server.url}/v1/jobs/${job.id}/result?format=${format}`);
    assert.equal(r.status, 200, format);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(readFileSync(`${prefix}.attribution.${ext}`)), `${format} equals the CLI's ${ext}`);
  }
  const ranged = await fetch(`${server.url}/v1/jobs/${job.id}/result?format=attribution_maxabs`, { headers: { range: 'bytes=0-3' } });
  assert.equal(ranged.status, 206);
  assert.equal(Buffer.from(await ranged.arrayBuffer()).readUInt32LE(0), 0x888ffc26, 'bigWig magic');

  const wrong = await fetch(`${server.url}/v1/jobs/${job.id}/result?format=bed`);
  assert.equal(wrong.status, 400);
  assert.match((await errorBody(wrong)).message, /is an attribution job; its results are format=attribution_maxabs, attribution_mean, attribution_tsv, attribution_svg/);
});

test('4xx: a track model, an unknown label, a malformed region, a region off its chromosome (no job kept), a missing field', async () => {
  const before = jobDirs(server.stateDir).length;
  const cases: [unknown, number, RegExp][] = [
    [{ model: 'example-kmer', fasta: 'genome.fa', region: 'chr1:1-10' }, 400, /reads per-bin tracks, not bases/],
    [{ model: 'example-cpg', fasta: 'genome.fa', region: 'chr1:1-10', label: 'H3K4me3' }, 400, /has no label 'H3K4me3'/],
    [{ model: 'example-cpg', fasta: 'genome.fa', region: 'chr1-10' }, 400, /is not CHR:START-END/],
    [{ model: 'example-cpg', fasta: 'genome.fa', region: 'chr2:2901-3100' }, 400, /ends past chr2's last base \(3000 bp\)/],
    [{ model: 'example-cpg', fasta: 'genome.fa', region: 'chrX:1-100' }, 400, /'genome.fa' has no sequence named chrX/],
    [{ model: 'example-cpg', fasta: 'genome.fa', region: 'chr1:1-200000' }, 400, /attribution takes at most 100000/],
    [{ model: 'example-cpg', fasta: 'genome.fa' }, 400, /region/],
    [{ model: 'example-cpg', fasta: '../genome.fa', region: 'chr1:1-10' }, 400, /contains '\.\.'; give a path relative to a data root/],
    [{ model: 'example-cpg', fasta: '/etc/hosts', region: 'chr1:1-10' }, 403, /outside the server's data roots/],
  ];
  for (const [body, status, pattern] of cases) {
    const res = await post(body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.match((await errorBody(res)).message, pattern, JSON.stringify(body));
  }
  assert.equal(jobDirs(server.stateDir).length, before, 'no job was created');
});

test('the OpenAPI document declares POST /v1/attribution with its JSON body and answers', async () => {
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
  const op = doc.paths['/v1/attribution']?.post;
  assert.ok(op, 'documented');
  assert.deepEqual(Object.keys(op.requestBody!.content).sort(), ['application/json', 'multipart/form-data']);
  assert.ok(['200', '202', '400'].every((s) => s in op.responses));
  assert.ok('Attribution' in doc.components.schemas);
});
