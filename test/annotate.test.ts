import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CLI, runCli, tempDir } from './helpers.js';

// A 24-variety panel of small rice-like genomes, annotated with both real models. `--case
// cento` (rice CentO with HORs): the kind of array centromere@4 finds, so each chromosome gets
// its one call; the default mixed draws include diverged arrays that model misses (issue 11).
const PANEL = ['simulate', '--panel', '24', '--seed', '7', '--scale', '0.02', '--chromosomes', '2', '--case', 'cento'];
const MODELS = ['--models', 'centromere,histone', '--workers', '2', '--concurrency', '2'];

let tmp: ReturnType<typeof tempDir>;
let panel: string;
let manifest: string;
let full: string;

/** Every file under dir (hidden ones too), relative path → bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

function annotate(out: string, extra: string[] = [], m = manifest) {
  const r = runCli(['annotate', '--manifest', m, '--out', out, ...MODELS, ...extra]);
  return r;
}

function varietyDirs(out: string): string[] {
  return readdirSync(out).filter((n) => existsSync(join(out, n, 'annotate.json'))).sort();
}

function assertSameFiles(actual: Map<string, Buffer>, expected: Map<string, Buffer>, what: string) {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${what}: same file names`);
  for (const [path, bytes] of expected) assert.ok(actual.get(path)!.equals(bytes), `${what}: ${path} differs`);
}

before(() => {
  tmp = tempDir('genomeinfer-annotate-');
  panel = join(tmp.dir, 'panel');
  const sim = runCli([...PANEL, '--out', panel]);
  assert.equal(sim.status, 0, sim.stderr);
  manifest = join(panel, 'manifest.tsv');
  full = join(tmp.dir, 'full');
  const r = annotate(full);
  assert.equal(r.status, 0, r.stderr);
});

after(() => tmp.cleanup());

test('an uninterrupted run annotates all 24 varieties with both models and leaves nothing half-done', () => {
  const names = varietyDirs(full);
  assert.equal(names.length, 24);
  for (const v of names) {
    const marker = JSON.parse(readFileSync(join(full, v, 'annotate.json'), 'utf8'));
    assert.equal(marker.variety, v);
    assert.deepEqual(marker.models.map((m: { name: string }) => m.name), ['centromere', 'histone']);
    // A small genome may have no histone peak at all (an empty BED); every track has data.
    for (const m of marker.models) {
      assert.ok(existsSync(join(full, v, m.bed)), `${v}/${m.bed}`);
      for (const f of m.bigwig) assert.ok(statSync(join(full, v, f)).size > 0, `${v}/${f}`);
    }
  }
  assert.equal(readFileSync(join(full, 'failures.tsv'), 'utf8'), 'variety\tattempts\tkind\tcode\tmessage\n');
  assert.ok(!existsSync(join(full, '.partial')), 'no partial work left');
  for (const f of ['centromeres.tsv', 'marks.tsv', 'centromeres.svg']) assert.ok(existsSync(join(full, 'summary', f)), f);
  // The summary table is the per-variety centromere BEDs, row for row (one call per chromosome here).
  const table = readFileSync(join(full, 'summary/centromeres.tsv'), 'utf8').trimEnd().split('\n').slice(1);
  const fromBeds = names.flatMap((v) =>
    readFileSync(join(full, v, 'centromere.bed'), 'utf8').trimEnd().split('\n').map((line) => {
      const [chrom, start, end, , score] = line.split('\t') as [string, string, string, string, string];
      return [v, chrom, start, end, String(Number(end) - Number(start)), score].join('\t');
    }),
  );
  assert.deepEqual(table, fromBeds);
  const svg = readFileSync(join(full, 'summary/centromeres.svg'), 'utf8');
  assert.equal(svg.match(/<rect[^>]*data-variety=/g)?.length, fromBeds.length, 'one rectangle per call in the figure');
});

test('a run killed part-way and re-run skips finished varieties and ends byte-identical', async () => {
  const out = join(tmp.dir, 'killed');
  const child = spawn(process.execPath, [CLI, 'annotate', '--manifest', manifest, '--out', out, ...MODELS], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Kill it once some, but not all, varieties are finished.
  for (let i = 0; i < 1200 && (!existsSync(out) || varietyDirs(out).length < 6); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  await exited;
  const finished = varietyDirs(out);
  assert.ok(finished.length >= 6 && finished.length < 24, `killed after ${finished.length} varieties`);
  const before = new Map(finished.map((v) => [v, statSync(join(out, v, 'histone.bed')).mtimeMs]));

  const r = annotate(out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`24 varieties, ${finished.length} already finished, ${24 - finished.length} to run`));
  for (const [v, mtime] of before) assert.equal(statSync(join(out, v, 'histone.bed')).mtimeMs, mtime, `${v} was not recomputed`);
  assertSameFiles(tree(out), tree(full), 'resumed run');
});

test('shards 0-3 of 4 partition the panel and together equal the full run', () => {
  // Four shards writing into one directory, as the Indexed Job's pods share a volume.
  const shared = join(tmp.dir, 'shards');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const r = annotate(shared, ['--shard', `${i}/4`]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`shard ${i}/4: 6 varieties, 0 already finished, 6 to run`));
    const ran = [...r.stderr.matchAll(/: (V\d+): done in/g)].map((m) => m[1]!);
    assert.equal(ran.length, 6, `shard ${i} ran 6 of 24`);
    for (const v of ran) {
      assert.ok(!seen.has(v), `${v} in two shards`);
      seen.add(v);
    }
  }
  assert.equal(seen.size, 24);
  // The last shard's summary covers the whole panel; every file equals the single run's.
  assertSameFiles(tree(shared), tree(full), 'shards into one directory');
});

test('a variety with a corrupt FASTA is recorded in failures.tsv while the others complete', () => {
  const dir = join(tmp.dir, 'corrupt');
  const rows = readFileSync(manifest, 'utf8').trimEnd().split('\n');
  const [header, first, second, third] = rows as [string, string, string, string];
  const fastaCol = header.split('\t').indexOf('fasta');
  // V02's FASTA cut short: its .fai no longer matches.
  const broken = join(tmp.dir, 'broken.fa');
  const v2 = second.split('\t');
  copyFileSync(join(panel, v2[fastaCol]!), broken);
  copyFileSync(join(panel, `${v2[fastaCol]}.fai`), `${broken}.fai`);
  truncateSync(broken, Math.floor(statSync(broken).size / 2));
  v2[fastaCol] = broken;
  const m = join(panel, 'corrupt.tsv'); // next to the panel: its relative FASTA paths resolve
  writeFileSync(m, [header, first, v2.join('\t'), third].join('\n') + '\n');
  const r = annotate(dir, ['--max-attempts', '3'], m);
  assert.equal(r.status, 1, 'exit status 1 when a variety failed');
  const failures = readFileSync(join(dir, 'failures.tsv'), 'utf8').trimEnd().split('\n');
  assert.equal(failures.length, 2, failures.join('\n'));
  const [variety, attempts, kind, , message] = failures[1]!.split('\t');
  assert.equal(variety, v2[0]);
  assert.equal(attempts, '1', 'input errors are not retried');
  assert.equal(kind, 'input');
  assert.match(message!, /broken\.fa/);
  assert.deepEqual(varietyDirs(dir), [first.split('\t')[0], third.split('\t')[0]].sort());
  assert.ok(!existsSync(join(dir, v2[0]!)), 'no output for the failed variety');
});

test('bad manifests and shard specs are refused with a message naming the problem', () => {
  const m = join(tmp.dir, 'bad.tsv');
  writeFileSync(m, 'variety\tgenome\nA\ta.fa\n');
  let r = annotate(join(tmp.dir, 'bad'), [], m);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.tsv line 1: the header must name a 'fasta' column/);
  writeFileSync(m, 'variety\tfasta\nA\ta.fa\nA\tb.fa\n');
  r = annotate(join(tmp.dir, 'bad'), [], m);
  assert.match(r.stderr, /line 3: variety 'A' already listed on line 2/);
  writeFileSync(m, 'variety\tfasta\n../x\ta.fa\n');
  r = annotate(join(tmp.dir, 'bad'), [], m);
  assert.match(r.stderr, /variety name '\.\.\/x'/);
  r = annotate(join(tmp.dir, 'bad'), ['--shard', '4/4']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--shard must be i\/N with 0 ≤ i < N/);
});
