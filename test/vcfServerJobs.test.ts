/**
 * HTTP jobs on a variety from a reference + VCF under a data root (issue 14): the result
 * equals the CLI's `predict --vcf`, and each bad VCF input is refused with a 4xx at
 * submission, leaving no job behind.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli, sh, tempDir } from './helpers.js';
import { errorBody, jobDirs, startServer, waitFor, type Server } from './serverHarness.js';
import { simulateEpigenome, writeIndexedVcf } from './varietyFixtures.js';

let tmp: ReturnType<typeof tempDir>;
let data: string;
let server: Server;

before(async () => {
  tmp = tempDir('genomeinfer-vcf-server-');
  data = join(tmp.dir, 'data');
  mkdirSync(data);
  const epi = simulateEpigenome(data, 100000);
  const vcf = await writeIndexedVcf(epi, join(data, 'calls.vcf.gz'), { spacingBp: 500 });
  const lines = sh('bgzip', ['-dc', vcf]).trimEnd().split('\n');
  // Bad inputs, each under the data root.
  const bgzipped = (name: string, text: string, index = true) => {
    writeFileSync(join(data, name), text);
    sh('bgzip', ['-f', join(data, name)]);
    if (index) sh('tabix', ['-f', '-p', 'vcf', join(data, `${name}.gz`)]);
  };
  const i = lines.findIndex((l) => /^chr1\t\d+\t\.\t[ACGT]\t[ACGT]\t/.test(l));
  const f = lines[i]!.split('\t');
  const refMismatch = [...lines];
  refMismatch[i] = [...f.slice(0, 3), 'ACGT'.replace(f[3]!, '').replace(f[4]!, '')[0], ...f.slice(4)].join('\t');
  bgzipped('refmismatch.vcf', `${refMismatch.join('\n')}\n`);
  bgzipped('renamed.vcf', `${lines.map((l) => l.replace(/^chr1\t/, 'Chr01\t').replace('ID=chr1,', 'ID=Chr01,')).join('\n')}\n`);
  copyFileSync(vcf, join(data, 'noindex.vcf.gz'));
  // Unsorted: two adjacent chr1 records of equal length swapped under the sorted file's index.
  const chr1 = lines.map((l, k) => [l, k] as const).filter(([l]) => l.startsWith('chr1\t'));
  const pair = chr1.findIndex(([l], k) => k + 1 < chr1.length && l.length === chr1[k + 1]![0].length);
  bgzipped('unsorted.vcf', `${lines.join('\n')}\n`);
  const index = readFileSync(join(data, 'unsorted.vcf.gz.tbi'));
  const swapped = [...lines];
  const [a, b] = [chr1[pair]![1], chr1[pair + 1]![1]];
  [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
  bgzipped('unsorted.vcf', `${swapped.join('\n')}\n`, false);
  writeFileSync(join(data, 'unsorted.vcf.gz.tbi'), index);
  writeFileSync(join(data, 'plain.vcf'), `${lines.join('\n')}\n`);
  sh('sh', ['-c', `gzip -c '${join(data, 'plain.vcf')}' > '${join(data, 'plain.vcf.gz')}'`]);
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'histone', '--data-root', data]);
});
after(async () => {
  await server?.stop();
  tmp.cleanup();
});

const submit = (body: Record<string, string>) =>
  fetch(`${server.url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'histone', fasta: 'epi/genome.fa', ...body }) });

test('a job on a VCF sample gives the CLI predict --vcf result', async () => {
  const res = await submit({ vcf: 'calls.vcf.gz', sample: 'S3', coords: 'variety' });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = (await res.json()) as { id: string };
  let state = '';
  await waitFor(async () => ['done', 'failed'].includes((state = ((await (await fetch(`${server.url}/v1/jobs/${id}`)).json()) as { state: string }).state)), 60_000, 'the job');
  assert.equal(state, 'done');
  const bed = await (await fetch(`${server.url}/v1/jobs/${id}/result`)).text();
  const out = join(tmp.dir, 'cli.bed');
  const r = runCli(['predict', '--model', 'histone', '--workers', '1', '--fasta', join(data, 'epi/genome.fa'), '--vcf', join(data, 'calls.vcf.gz'), '--sample', 'S3', '--coords', 'variety', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(bed.length > 0);
  assert.equal(bed, readFileSync(out, 'utf8'));
});

test('bad VCF inputs are refused with a 4xx naming the problem, and no job is kept', async () => {
  const before = jobDirs(server.stateDir).length;
  const cases: [Record<string, string>, RegExp][] = [
    [{ vcf: 'refmismatch.vcf.gz', sample: 'S1' }, /REF allele at chr1:\d+ is/],
    [{ vcf: 'calls.vcf.gz', sample: 'NOPE' }, /no sample named 'NOPE'/],
    [{ vcf: 'noindex.vcf.gz', sample: 'S1' }, /has no index/],
    [{ vcf: 'renamed.vcf.gz', sample: 'S1' }, /'Chr01' \(VCF\) vs 'chr1' \(FASTA\)/],
    [{ vcf: 'plain.vcf.gz', sample: 'S1' }, /not bgzip-compressed/],
    [{ vcf: 'unsorted.vcf.gz', sample: 'S1' }, /is not sorted: the record at chr1:\d+ comes after/],
    [{ vcf: 'calls.vcf.gz' }, /needs --sample|sample/],
  ];
  for (const [body, message] of cases) {
    const res = await submit(body);
    assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(body)}: ${res.status}`);
    assert.match((await errorBody(res)).message, message);
  }
  assert.equal(jobDirs(server.stateDir).length, before);
});
