/**
 * What the genome-browser page fetches, over real HTTP: result bigWigs and genome files
 * answer Range requests with the file's own bytes (206), 416 past the end, Accept-Ranges
 * and Content-Range; every file of a job's page needs the token; the data-root rules are
 * applied again at each fetch; `genomeinfer view DIR` serves only files under DIR.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { runCli, sh, tempDir } from './helpers.js';
import { FAST_MODEL, simulatePanel } from './panelFixtures.js';
import { startServer, uploadForm, waitFor, type Server } from './serverHarness.js';
import { consensusFasta, fastaSequences, withoutSymbolic, writeIndexedVcf } from './varietyFixtures.js';
import { doneDatasetJob, rawGet, startView, type ViewServer } from './viewHarness.js';

const TOKEN = 'view-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CHROMOSOMES = [
  { name: 'chr1', length: 400_000 },
  { name: 'chr2', length: 300_000 },
  { name: 'chr10', length: 200_000 },
];

interface Session {
  reference: { fastaURL?: string; indexURL?: string; compressedIndexURL?: string; chromSizesURL?: string };
  tracks: { name: string; format: string; url: string }[];
  topCalls: { label: string; chrom: string; start: number; end: number; score: number }[];
  notes: string[];
}

let tmp: ReturnType<typeof tempDir>;
let data: string;
let server: Server;
let plainJob: string;
let bgzipJob: string;
let uploadJob: string;
let panelDir: string;
let panelGenomes: string;

before(async () => {
  tmp = tempDir('genomeinfer-viewhttp-');
  data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'genomes'), { recursive: true });
  await writeExampleGenome(join(data, 'genomes/example.fa'), CHROMOSOMES, 5);
  // bgzip FASTA with its .fai and .gzi, as samtools makes them.
  writeFileSync(join(data, 'genomes/packed.fa.gz'), sh('bash', ['-c', `bgzip -c '${join(data, 'genomes/example.fa')}' | base64 -w0`]), 'base64');
  sh('samtools', ['faidx', join(data, 'genomes/packed.fa.gz')]);
  // Attribution of more than 20 bases is a job (its page shows its two bigWigs).
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg', '--data-root', data, '--max-sync-attribution-bp', '20'], { GENOMEINFER_TOKEN: TOKEN });
  plainJob = await doneDatasetJob(server, TOKEN, { model: 'example-cpg', fasta: 'genomes/example.fa' });
  bgzipJob = await doneDatasetJob(server, TOKEN, { model: 'example-cpg', fasta: 'genomes/packed.fa.gz' });
  const up = await fetch(`${server.url}/v1/jobs?model=example-cpg`, {
    method: 'POST',
    headers: AUTH,
    body: await uploadForm({ fasta: join(data, 'genomes/example.fa'), fai: join(data, 'genomes/example.fa.fai') }),
  });
  assert.equal(up.status, 202, await up.clone().text());
  uploadJob = ((await up.json()) as { id: string }).id;
  await waitFor(async () => ((await (await fetch(`${server.url}/v1/jobs/${uploadJob}`, { headers: AUTH })).json()) as { state: string }).state === 'done', 60_000, 'the upload job');

  // An annotate directory of the example model (fast), its genomes under their own root.
  panelGenomes = join(tmp.dir, 'panel');
  const manifest = simulatePanel(panelGenomes, 2);
  panelDir = join(tmp.dir, 'out');
  const r = runCli(['annotate', '--manifest', manifest, '--out', panelDir, ...FAST_MODEL]);
  assert.equal(r.status, 0, r.stderr);
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

const session = async (id: string): Promise<Session> => {
  const res = await fetch(`${server.url}/view/jobs/${id}/session.json`, { headers: AUTH });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Session;
};

/** Asks for `range` and checks a 206 with exactly the file's bytes in it. */
async function expectSlice(url: string, file: Buffer, range: string, start: number, end: number, headers: Record<string, string> = AUTH) {
  const res = await fetch(url, { headers: { ...headers, range } });
  assert.equal(res.status, 206, `${range} of ${url}: ${res.status}`);
  assert.equal(res.headers.get('accept-ranges'), 'bytes');
  assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/${file.length}`);
  assert.equal(res.headers.get('content-length'), String(end - start + 1));
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(file.subarray(start, end + 1)), `${range} of ${url}: bytes differ from the file`);
}

/** Every range form a genome browser (or curl) sends, against the file's own bytes, and 416. */
async function checkRanges(url: string, path: string, headers: Record<string, string> = AUTH) {
  const file = readFileSync(path);
  const n = file.length;
  assert.ok(n > 2000, `${path} is large enough to slice`);
  await expectSlice(url, file, 'bytes=0-0', 0, 0, headers);
  await expectSlice(url, file, 'bytes=0-1023', 0, 1023, headers);
  await expectSlice(url, file, `bytes=${n >> 1}-${(n >> 1) + 777}`, n >> 1, (n >> 1) + 777, headers);
  await expectSlice(url, file, `bytes=${n - 100}-`, n - 100, n - 1, headers);
  await expectSlice(url, file, 'bytes=-64', n - 64, n - 1, headers);
  await expectSlice(url, file, `bytes=${n - 10}-${n + 5000}`, n - 10, n - 1, headers); // clamped at the end
  const whole = await fetch(url, { headers });
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.ok(Buffer.from(await whole.arrayBuffer()).equals(file));
  // Several ranges: the whole file (a server may always answer with the full representation).
  const multi = await fetch(url, { headers: { ...headers, range: 'bytes=0-9,20-29' } });
  assert.equal(multi.status, 200);
  assert.ok(Buffer.from(await multi.arrayBuffer()).equals(file));
  for (const range of [`bytes=${n}-`, `bytes=${n + 10}-${n + 20}`, 'bytes=-0']) {
    const res = await fetch(url, { headers: { ...headers, range } });
    assert.equal(res.status, 416, range);
    assert.equal(res.headers.get('content-range'), `bytes */${n}`, range);
    assert.equal(((await res.json()) as { error: string }).error, 'range_not_satisfiable');
  }
}

test("a job's result bigWigs and genome files answer Range requests with the bytes of the files", async () => {
  const results = join(server.stateDir, 'jobs', plainJob);
  for (const label of ['gc_rich', 'cpg_island', 'motif_dense']) {
    await checkRanges(`${server.url}/v1/jobs/${plainJob}/result?format=bigwig&label=${label}`, join(results, `result.${label}.bw`));
  }
  const s = await session(plainJob);
  assert.deepEqual(s.notes, []);
  assert.equal(s.reference.compressedIndexURL, undefined);
  await checkRanges(`${server.url}${s.reference.fastaURL}`, join(data, 'genomes/example.fa'));
  const fai = readFileSync(join(data, 'genomes/example.fa.fai'));
  await expectSlice(`${server.url}${s.reference.indexURL}`, fai, 'bytes=0-20', 0, 20);

  const packed = await session(bgzipJob);
  assert.ok(packed.reference.compressedIndexURL, 'a bgzip genome comes with its .gzi');
  await checkRanges(`${server.url}${packed.reference.fastaURL}`, join(data, 'genomes/packed.fa.gz'));
  await expectSlice(`${server.url}${packed.reference.compressedIndexURL}`, readFileSync(join(data, 'genomes/packed.fa.gz.gzi')), 'bytes=0-7', 0, 7);
});

test('the session lists the BED, one bigWig per label and the top call of each label, from the BED', async () => {
  const s = await session(plainJob);
  assert.deepEqual(
    s.tracks.map((t) => [t.name, t.format]),
    [['example-cpg/2 regions', 'bed'], ['gc_rich', 'bigwig'], ['cpg_island', 'bigwig'], ['motif_dense', 'bigwig']],
  );
  // The top call of a label: the BED row of that name with the highest score (first on ties).
  const bed = readFileSync(join(server.stateDir, 'jobs', plainJob, 'result.bed'), 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
  for (const call of s.topCalls) {
    const rows = bed.filter((r) => r[3] === call.label);
    const best = Math.max(...rows.map((r) => Number(r[4])));
    const first = rows.find((r) => Number(r[4]) === best)!;
    assert.deepEqual([call.chrom, call.start, call.end, call.score], [first[0], Number(first[1]), Number(first[2]), best]);
  }
  assert.deepEqual(s.topCalls.map((c) => c.label), ['gc_rich', 'cpg_island', 'motif_dense'].filter((l) => bed.some((r) => r[3] === l)));
  assert.ok(s.topCalls.length > 0);
});

test('every file the page fetches needs the token; the page shell and its code hold no data and need none', async () => {
  const s = await session(plainJob);
  const urls = [`/view/jobs/${plainJob}/session.json`, s.reference.fastaURL!, s.reference.indexURL!, `/v1/jobs/${plainJob}/genome?file=sizes`, ...s.tracks.map((t) => t.url)];
  for (const url of urls) {
    const tries: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }];
    for (const headers of tries) {
      const res = await fetch(`${server.url}${url}`, { headers: { ...headers, range: 'bytes=0-99' } });
      assert.equal(res.status, 401, `${url} with ${JSON.stringify(headers)}`);
      assert.equal(res.headers.get('content-range'), null);
      assert.equal(((await res.json()) as { error: string }).error, 'unauthorized');
    }
    const ok = await fetch(`${server.url}${url}`, { headers: { ...AUTH, range: 'bytes=0-99' } });
    assert.ok(ok.status === 200 || ok.status === 206, `${url}: ${ok.status}`);
    await ok.arrayBuffer();
  }
  const page = await fetch(`${server.url}/view/jobs/${plainJob}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const shell = await page.text();
  // The same bytes for any id, existing or not: the shell tells nothing about jobs.
  assert.equal(await (await fetch(`${server.url}/view/jobs/00000000-0000-4000-8000-000000000000`)).text(), shell);
  assert.ok(!shell.includes(plainJob));
  const igv = await fetch(`${server.url}/view/assets/igv.esm.min.js`);
  assert.equal(igv.status, 200);
  assert.match(igv.headers.get('content-type') ?? '', /javascript/);
  assert.ok(Buffer.from(await igv.arrayBuffer()).equals(readFileSync(join('node_modules/igv/dist/igv.esm.min.js'))));
  assert.equal((await fetch(`${server.url}/view/assets/..%2F..%2Fpackage.json`)).status, 404);
  assert.equal((await rawGet(server.url, '/view/assets/../../package.json')).status, 401, 'a path that is no asset is a protected route');
});

test("an upload job's genome is removed when it finishes: 404 naming why, and the page gets chromosome sizes from the result", async () => {
  const res = await fetch(`${server.url}/v1/jobs/${uploadJob}/genome?file=fasta`, { headers: AUTH });
  assert.equal(res.status, 404);
  const body = (await res.json()) as { error: string; message: string };
  assert.equal(body.error, 'genome_file_missing');
  assert.match(body.message, /removed when the job finished/);
  const s = await session(uploadJob);
  assert.equal(s.reference.fastaURL, undefined);
  assert.match(s.notes.join(' '), /chromosome sizes only/);
  const sizes = await (await fetch(`${server.url}${s.reference.chromSizesURL}`, { headers: AUTH })).text();
  const fai = readFileSync(join(data, 'genomes/example.fa.fai'), 'utf8').trimEnd().split('\n').map((l) => l.split('\t').slice(0, 2).join('\t'));
  assert.equal(sizes, fai.map((l) => `${l}\n`).join(''));
});

test('data-root rules hold at every fetch: a genome now reached through a symlink out of the root is refused', async () => {
  assert.equal((await fetch(`${server.url}/v1/jobs/${plainJob}/genome?file=../../etc/passwd`, { headers: AUTH })).status, 400);
  const outside = join(tmp.dir, 'outside.fa');
  copyFileSync(join(data, 'genomes/example.fa'), outside);
  renameSync(join(data, 'genomes/example.fa'), join(data, 'genomes/example.fa.moved'));
  symlinkSync(outside, join(data, 'genomes/example.fa'));
  const res = await fetch(`${server.url}/v1/jobs/${plainJob}/genome?file=fasta`, { headers: { ...AUTH, range: 'bytes=0-99' } });
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { error: string }).error, 'dataset_outside_data_roots');
  // The page still opens, with the results on chromosome sizes, and says why.
  const s = await session(plainJob);
  assert.equal(s.reference.fastaURL, undefined);
  assert.match(s.notes.join(' '), /outside the server's data roots/);
});

test("a variety from a VCF: in variety coordinates the page gets the variety's chromosome sizes; in reference coordinates, the reference and a note", async () => {
  const reference = join(data, 'genomes/reference.fa');
  await writeExampleGenome(reference, CHROMOSOMES, 6);
  const vcf = await writeIndexedVcf(reference, join(data, 'calls.vcf.gz'), { spacingBp: 2000 });
  const inVariety = await doneDatasetJob(server, TOKEN, { model: 'example-cpg', fasta: 'genomes/reference.fa', vcf: 'calls.vcf.gz', sample: 'S2', coords: 'variety' });
  const s = await session(inVariety);
  assert.equal(s.reference.fastaURL, undefined);
  assert.match(s.notes.join(' '), /coordinates of variety S2/);
  // The sizes are the variety's own, as bcftools consensus builds its sequence.
  const consensus = consensusFasta(reference, withoutSymbolic(vcf, join(tmp.dir, 'plain.vcf.gz')), 'S2', '1', join(tmp.dir, 'S2.fa'));
  const expected = [...fastaSequences(readFileSync(consensus, 'utf8'))].map(([name, seq]) => `${name}\t${seq.length}\n`).join('');
  assert.notEqual(expected, readFileSync(`${reference}.fai`, 'utf8').split('\n').map((l) => (l ? `${l.split('\t').slice(0, 2).join('\t')}\n` : '')).join(''), 'the variety differs in length from the reference');
  assert.equal(await (await fetch(`${server.url}${s.reference.chromSizesURL}`, { headers: AUTH })).text(), expected);

  const onReference = await doneDatasetJob(server, TOKEN, { model: 'example-cpg', fasta: 'genomes/reference.fa', vcf: 'calls.vcf.gz', sample: 'S2' });
  const r = await session(onReference);
  assert.equal(r.reference.fastaURL, `/v1/jobs/${onReference}/genome?file=fasta`);
  assert.match(r.notes.join(' '), /sequence shown is the reference; variety S2 differs/);
});

test("an attribution job's page: its two per-base bigWigs (answering ranges), on its region, over the genome", async () => {
  const res = await fetch(`${server.url}/v1/attribution`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'example-cpg', fasta: 'genomes/reference.fa', region: 'chr2:120001-120030', label: 'cpg_island' }),
  });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = (await res.json()) as { id: string };
  await waitFor(async () => ((await (await fetch(`${server.url}/v1/jobs/${id}`, { headers: AUTH })).json()) as { state: string }).state === 'done', 60_000, 'the attribution job');
  const s = await session(id);
  assert.deepEqual(s.tracks.map((t) => [t.name, t.format]), [['cpg_island attribution max |Δ|', 'bigwig'], ['cpg_island attribution mean Δ', 'bigwig']]);
  assert.deepEqual(s.topCalls.map((c) => [c.chrom, c.start, c.end]), [['chr2', 120000, 120030]]);
  assert.equal(s.reference.fastaURL, `/v1/jobs/${id}/genome?file=fasta`);
  for (const [track, file] of [[s.tracks[0]!, 'result.attribution.maxabs.bw'], [s.tracks[1]!, 'result.attribution.mean.bw']] as const) {
    const bytes = readFileSync(join(server.stateDir, 'jobs', id, file));
    await expectSlice(`${server.url}${track.url}`, bytes, 'bytes=0-63', 0, 63);
    await expectSlice(`${server.url}${track.url}`, bytes, 'bytes=-48', bytes.length - 48, bytes.length - 1);
    assert.equal((await fetch(`${server.url}${track.url}`, { headers: { range: 'bytes=0-63' } })).status, 401);
  }
  const sizes = await (await fetch(`${server.url}/v1/jobs/${id}/genome?file=sizes`, { headers: AUTH })).text();
  assert.equal(sizes, readFileSync(join(data, 'genomes/reference.fa.fai'), 'utf8').trimEnd().split('\n').map((l) => `${l.split('\t').slice(0, 2).join('\t')}\n`).join(''));
});

test('view DIR serves files under DIR only, with ranges, and every bigWig of a variety as a track', async (t) => {
  // An extra bigWig beside annotate's (as an attribution run writes one) is listed too; a
  // symlink is not a file of DIR and is not listed.
  copyFileSync(join(panelDir, 'V1/example-cpg.gc_rich.bw'), join(panelDir, 'V1/region.attribution.maxabs.bw'));
  const secret = join(tmp.dir, 'secret.txt');
  writeFileSync(secret, 'not for the page');
  symlinkSync(secret, join(panelDir, 'V1/leak.bw'));
  mkdirSync(join(panelDir, '.partial/V9'), { recursive: true });
  writeFileSync(join(panelDir, '.partial/V9/x.bed'), 'chr1\t0\t1\n');

  const view: ViewServer = await startView(panelDir, ['--data-root', panelGenomes]);
  t.after(() => view.stop());
  const overview = (await (await fetch(`${view.url}/view/panel.json`)).json()) as { varieties: { name: string }[]; tables: { name: string }[] };
  assert.deepEqual(overview.varieties.map((v) => v.name), ['V1', 'V2']);
  assert.deepEqual(overview.tables.map((x) => x.name), ['marks.tsv']);
  const s = (await (await fetch(`${view.url}/view/varieties/V1/session.json`)).json()) as Session;
  assert.deepEqual(
    s.tracks.map((x) => [x.name, x.format, x.url]),
    [
      ['example-cpg regions', 'bed', '/files/V1/example-cpg.bed'],
      ['gc_rich', 'bigwig', '/files/V1/example-cpg.gc_rich.bw'],
      ['cpg_island', 'bigwig', '/files/V1/example-cpg.cpg_island.bw'],
      ['motif_dense', 'bigwig', '/files/V1/example-cpg.motif_dense.bw'],
      ['region.attribution.maxabs', 'bigwig', '/files/V1/region.attribution.maxabs.bw'],
    ],
  );
  await checkRanges(`${view.url}/files/V1/example-cpg.motif_dense.bw`, join(panelDir, 'V1/example-cpg.motif_dense.bw'), {});
  // The genome, from under --data-root.
  await checkRanges(`${view.url}${s.reference.fastaURL}`, join(panelGenomes, 'V1/genome.fa'), {});

  // Nothing outside DIR: a symlink leading out, '..' spelt every way, absolute paths, hidden directories.
  assert.equal((await fetch(`${view.url}/files/V1/leak.bw`)).status, 403);
  for (const path of ['/files/V1/../../secret.txt', '/files/..%2Fsecret.txt', '/files/%2e%2e/secret.txt', '/files/V1/..%5C..%5Csecret.txt']) {
    const res = await rawGet(view.url, path);
    assert.equal(res.status, 400, path);
    assert.doesNotMatch(res.body, /not for the page/);
  }
  assert.equal((await rawGet(view.url, `/files/${encodeURIComponent(secret)}`)).status, 403);
  assert.equal((await rawGet(view.url, `/files//${secret}`)).status, 403);
  assert.equal((await fetch(`${view.url}/files/.partial/V9/x.bed`)).status, 404);
  assert.equal((await fetch(`${view.url}/view/varieties/..%2F..%2Fetc/session.json`)).status, 404);
  // Read-only: no route takes a write.
  for (const method of ['POST', 'PUT', 'DELETE']) assert.equal((await fetch(`${view.url}/files/V1/example-cpg.bed`, { method })).status, 404, method);
  assert.ok(readFileSync(join(panelDir, 'V1/example-cpg.bed')).length > 0);
});

test('view DIR without --data-root shows chromosome sizes (from annotate.json) and never reads the genome', async (t) => {
  const view = await startView(panelDir);
  t.after(() => view.stop());
  const s = (await (await fetch(`${view.url}/view/varieties/V2/session.json`)).json()) as Session;
  assert.equal(s.reference.fastaURL, undefined);
  assert.match(s.notes.join(' '), /not under a --data-root/);
  assert.equal((await fetch(`${view.url}/view/varieties/V2/genome?file=fasta`)).status, 403);
  const marker = JSON.parse(readFileSync(join(panelDir, 'V2/annotate.json'), 'utf8')) as { chromosomes: { name: string; length: number }[] };
  assert.equal(await (await fetch(`${view.url}${s.reference.chromSizesURL}`)).text(), marker.chromosomes.map((c) => `${c.name}\t${c.length}\n`).join(''));
});
