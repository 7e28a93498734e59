/**
 * The genome-browser page in headless Chromium (Debian chromium + playwright-core): a job's
 * page and `genomeinfer view DIR` load with nothing fetched from outside 127.0.0.1, igv
 * reports the expected tracks and loci, and screenshots under test-output/ show them.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { igvLoci, igvTracks, launchChromium, openPage, viewState, type WatchedPage } from './chromium.js';
import { ROOT, runCli, sh, tempDir } from './helpers.js';
import { spawnCli } from './panelFixtures.js';
import { decodePng, pixelStats } from './pngPixels.js';
import { startServer, type Server } from './serverHarness.js';
import { doneDatasetJob, startView, type ViewServer } from './viewHarness.js';

const TOKEN = 'page-test-token';
const SCREENSHOTS = join(ROOT, 'test-output');

let tmp: ReturnType<typeof tempDir>;
let data: string;
let server: Server;
let job: string;
let panelGenomes: string;
let panelDir: string;
let view: ViewServer;
let chromium: Browser;

before(async () => {
  tmp = tempDir('genomeinfer-viewpage-');
  mkdirSync(SCREENSHOTS, { recursive: true });
  data = join(tmp.dir, 'data');
  mkdirSync(data);
  await writeExampleGenome(join(data, 'example.fa'), [
    { name: 'chr1', length: 600_000 },
    { name: 'chr2', length: 400_000 },
  ], 3);
  // The panel: both real models on two small rice-like varieties (0.73 Mb, 2 chromosomes each,
  // a centromere called on each; about 5 s on 2 idle cores).
  panelGenomes = join(tmp.dir, 'panel');
  const simulated = runCli(['simulate', '--panel', '2', '--seed', '7', '--scale', '0.01', '--chromosomes', '2', '--case', 'cento', '--out', panelGenomes]);
  assert.equal(simulated.status, 0, simulated.stderr);
  const manifest = join(panelGenomes, 'manifest.tsv');
  panelDir = join(tmp.dir, 'out');
  // The annotate run, the server's start and job, and Chromium's start overlap.
  const annotate = spawnCli(['annotate', '--manifest', manifest, '--out', panelDir, '--models', 'centromere,histone', '--workers', '2']);
  const attribute = spawnCli(['attribute', '--model', 'example-cpg', '--fasta', join(panelGenomes, 'V2/genome.fa'), '--region', 'chr1:150001-150030', '--out', join(tmp.dir, 'cpg'), '--workers', '1']);
  [server, chromium] = await Promise.all([startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg', '--workers', '1', '--data-root', data], { GENOMEINFER_TOKEN: TOKEN }), launchChromium()]);
  job = await doneDatasetJob(server, TOKEN, { model: 'example-cpg', fasta: 'example.fa' });
  assert.equal(await annotate.exit, 0, annotate.stderr());
  assert.equal(await attribute.exit, 0, attribute.stderr());
  // bigWigs annotate did not write (attribute's, put beside the variety's tracks) show up as its tracks.
  for (const kind of ['maxabs', 'mean']) copyFileSync(join(tmp.dir, `cpg.attribution.${kind}.bw`), join(panelDir, `V2/cpg.attribution.${kind}.bw`));
  view = await startView(panelDir, ['--data-root', panelGenomes]);
});

after(async () => {
  await chromium?.close();
  await Promise.all([server?.stop(), view?.stop()]);
  tmp?.cleanup();
});

/** Screenshots the page, and checks that the igv area shows drawn tracks, not a blank or a bare frame. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForLoadState('networkidle');
  const path = join(SCREENSHOTS, name);
  const png = await page.screenshot({ path });
  const box = (await page.locator('#igv').boundingBox())!;
  const pixels = decodePng(png);
  assert.deepEqual([pixels.width, pixels.height], [1400, 1000]);
  // The browser's area, as far as it lies inside the screenshot.
  const [x0, y0] = [Math.max(0, Math.round(box.x)), Math.max(0, Math.round(box.y))];
  const [x1, y1] = [Math.min(1400, Math.round(box.x + box.width)), Math.min(1000, Math.round(box.y + box.height))];
  assert.ok(x1 - x0 >= 1000 && y1 - y0 >= 300, `${name}: the browser area ${JSON.stringify(box)} is not on screen`);
  const area = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const { colours, nonWhite } = pixelStats(pixels, area);
  // A blank area is 1 colour; igv's frame alone (ruler, labels) about a dozen and a few %.
  assert.ok(colours >= 40, `${name}: only ${colours} distinct colours in the browser area`);
  assert.ok(nonWhite >= 0.08, `${name}: only ${(100 * nonWhite).toFixed(1)}% of the browser area is drawn`);
}

/** The top call of each label in BED rows: highest score, first on ties, label order as given. */
function topCalls(bedText: string, labels: string[]) {
  const rows = bedText.trimEnd().split('\n').filter(Boolean).map((l) => l.split('\t'));
  return labels.flatMap((label) => {
    const of = rows.filter((r) => r[3] === label);
    if (!of.length) return [];
    const best = of.reduce((a, b) => (Number(b[4]) > Number(a[4]) ? b : a));
    return [{ label, chrom: best[0]!, start: Number(best[1]), end: Number(best[2]) }];
  });
}

/** igv's reference sequence over [start, end) (0-based), as its genome object reads it. */
function igvSequence(page: Page, chrom: string, start: number, end: number): Promise<string> {
  return page.evaluate(
    ([c, s, e]) => (window as unknown as { igvBrowser: { genome: { getSequence: (c: string, s: number, e: number) => Promise<string> } } }).igvBrowser.genome.getSequence(c, s, e),
    [chrom, start, end] as [string, number, number],
  );
}

/** The same bases from samtools faidx (1-based, inclusive regions). */
const samtoolsSequence = (fasta: string, chrom: string, start: number, end: number) =>
  sh('samtools', ['faidx', fasta, `${chrom}:${start + 1}-${end}`]).split('\n').slice(1).join('');

function assertShows(locus: { chrom: string; start: number; end: number }, call: { chrom: string; start: number; end: number }, what: string) {
  assert.equal(locus.chrom, call.chrom, what);
  assert.ok(locus.start <= call.start && locus.end >= call.end, `${what}: ${JSON.stringify(locus)} does not contain ${JSON.stringify(call)}`);
  const width = call.end - call.start;
  assert.ok(locus.end - locus.start <= 1.5 * width + 200, `${what}: ${JSON.stringify(locus)} is far wider than the call ${JSON.stringify(call)}`);
}

function assertClean(w: WatchedPage) {
  assert.deepEqual(w.external, [], 'the page fetched from outside the server');
  assert.deepEqual(w.errors, []);
}

test("a job's page shows its genome, its BED, one bigWig per label, and each label's top call", async () => {
  const w = await openPage(chromium);
  const { page } = w;
  await page.goto(`${server.url}/view/jobs/${job}#token=${TOKEN}`);
  assert.deepEqual(await viewState(page), { state: 'ready', status: '' });
  assert.ok(!page.url().includes(TOKEN), 'the token leaves the address bar');
  assert.deepEqual(await igvTracks(page), ['sequence:', 'annotation:example-cpg/2 regions', 'wig:gc_rich', 'wig:cpg_island', 'wig:motif_dense']);
  const fai = readFileSync(join(data, 'example.fa.fai'), 'utf8').trimEnd().split('\n').map((l) => l.split('\t')[0]);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { igvBrowser: { genome: { chromosomeNames: string[] } } }).igvBrowser.genome.chromosomeNames), fai);

  // The sequence igv reads through the genome endpoint by ranges is the FASTA's, as samtools reads it.
  for (const [chrom, start, end] of [['chr1', 0, 80], ['chr2', 123_456, 123_600], ['chr2', 399_900, 400_000]] as const) {
    assert.equal(await igvSequence(page, chrom, start, end), samtoolsSequence(join(data, 'example.fa'), chrom, start, end), `${chrom}:${start}-${end}`);
  }

  // One panel per label, each on that label's best region of the job's BED.
  const calls = topCalls(readFileSync(join(server.stateDir, 'jobs', job, 'result.bed'), 'utf8'), ['gc_rich', 'cpg_island', 'motif_dense']);
  assert.ok(calls.length >= 2, 'the example model calls regions on the example genome');
  const loci = await igvLoci(page);
  assert.equal(loci.length, calls.length);
  calls.forEach((c, i) => assertShows(loci[i]!, c, c.label));

  // igv read the FASTA and the bigWigs by byte ranges, sent with the token, answered 206.
  for (const part of ['/genome?file=fasta', 'format=bigwig']) {
    const seen = w.responses.filter((r) => r.url().includes(part));
    assert.ok(seen.length > 0, `no request for ${part}`);
    for (const r of seen) {
      assert.equal(r.status(), 206, r.url());
      assert.match((await r.request().allHeaders()).range ?? '', /^bytes=\d+-\d+$/);
    }
  }
  await screenshot(page, 'view-job.png');
  assertClean(w);
  await page.close();
});

test('without a token the job page asks for one, then opens', async () => {
  const w = await openPage(chromium);
  await w.page.goto(`${server.url}/view/jobs/${job}`);
  assert.equal((await viewState(w.page)).state, 'needs-token');
  await w.page.fill('#token-form input[name=token]', 'wrong');
  await w.page.click('#token-form button');
  await w.page.waitForFunction(() => document.body.dataset.viewState === 'needs-token' && !(document.getElementById('token-form') as HTMLFormElement).hidden);
  await w.page.fill('#token-form input[name=token]', TOKEN);
  await w.page.click('#token-form button');
  assert.equal((await viewState(w.page, ['ready', 'error'])).state, 'ready');
  assert.equal((await igvTracks(w.page)).length, 5);
  assert.deepEqual(w.external, []);
  await w.page.close();
});

test('view DIR: variety picker, tracks, summary tables, centromere matrix and figure; a cell opens its locus', async () => {
  const w = await openPage(chromium);
  const { page } = w;
  await page.goto(`${view.url}/`);
  assert.equal((await viewState(page)).state, 'ready');
  assert.deepEqual(await page.$$eval('#variety option', (o) => o.map((x) => (x as HTMLOptionElement).value)), ['V1', 'V2']);
  const annotated = ['sequence:', 'annotation:centromere regions', 'wig:centromere', 'annotation:histone regions', 'wig:H3K4me3', 'wig:H3K27me3', 'wig:H3K9ac'];
  assert.deepEqual(await igvTracks(page), annotated);
  const genomeId = () => page.evaluate(() => (window as unknown as { igvBrowser: { genome: { id: string } } }).igvBrowser.genome.id);
  assert.equal(await genomeId(), 'V1');
  const v1Centromere = topCalls(readFileSync(join(panelDir, 'V1/centromere.bed'), 'utf8'), ['centromere']);
  assertShows((await igvLoci(page))[0]!, v1Centromere[0]!, 'V1 centromere');

  // The summary: every variety × chromosome of centromeres.tsv is a cell with a link.
  const table = readFileSync(join(panelDir, 'summary/centromeres.tsv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
  assert.equal(await page.locator('#centromere-matrix td a').count(), table.length);
  const marks = readFileSync(join(panelDir, 'summary/marks.tsv'), 'utf8').trimEnd().split('\n').length - 1;
  assert.equal(await page.locator('table[data-name="marks.tsv"] tbody tr').count(), marks);
  assert.equal(await page.locator('#figure svg rect[data-variety]').count(), table.filter((r) => r[2] !== '.').length);

  // A cell of V2 × chr2 switches variety and shows that call.
  const v2chr2 = table.find((r) => r[0] === 'V2' && r[1] === 'chr2')!;
  await page.click('#centromere-matrix td[data-variety="V2"][data-chrom="chr2"] a');
  await page.waitForFunction(() => (window as unknown as { igvBrowser?: { genome: { id: string } } }).igvBrowser?.genome.id === 'V2' && document.body.dataset.viewState === 'ready');
  assert.deepEqual(await igvTracks(page), [...annotated, 'wig:cpg.attribution.maxabs', 'wig:cpg.attribution.mean']);
  assertShows((await igvLoci(page))[0]!, { chrom: 'chr2', start: Number(v2chr2[2]), end: Number(v2chr2[3]) }, 'V2 chr2 cell');
  assert.equal(await page.$eval('#variety', (s) => (s as HTMLSelectElement).value), 'V2');
  assert.equal(await igvSequence(page, 'chr2', 150_000, 150_120), samtoolsSequence(join(panelGenomes, 'V2/genome.fa'), 'chr2', 150_000, 150_120));

  // A call of the figure does the same, within the variety shown.
  const v2chr1 = table.find((r) => r[0] === 'V2' && r[1] === 'chr1')!;
  await page.click('#figure svg rect[data-variety="V2"][data-chrom="chr1"]');
  await page.waitForFunction(() => {
    const l = (window as unknown as { igvBrowser: { currentLoci: () => string | string[] } }).igvBrowser.currentLoci();
    return String(l).startsWith('chr1:');
  });
  assertShows((await igvLoci(page))[0]!, { chrom: 'chr1', start: Number(v2chr1[2]), end: Number(v2chr1[3]) }, 'V2 chr1 figure call');
  await screenshot(page, 'view-panel.png');
  assertClean(w);
  await page.close();
});
