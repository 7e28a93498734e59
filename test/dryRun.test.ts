/**
 * `annotate --dry-run`: which varieties a run would skip (done) and which it would run, and
 * why (new, outdated model versions, failed before, FASTA missing), without reading anything
 * heavy: no FASTA is opened (one is a FIFO, which would block a reader forever) and no model
 * weights are read (they are corrupt in the model repository it is given).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MODELS, runCli, tempDir } from './helpers.js';
import { FAST_MODEL, mtimes, simulatePanel, writeLines } from './panelFixtures.js';

let tmp: ReturnType<typeof tempDir>;
let panel: string;
let manifest: string;
let out: string;

before(() => {
  tmp = tempDir('genomeinfer-dryrun-');
  panel = join(tmp.dir, 'panel');
  const simulated = simulatePanel(panel, 5);
  const [header, ...rows] = readFileSync(simulated, 'utf8').trimEnd().split('\n') as [string, ...string[]];
  // V4's FASTA cut short (fails for its input), V5's a FIFO (never opened by the dry run),
  // and a variety whose FASTA does not exist.
  const broken = join(panel, 'V4/broken.fa');
  copyFileSync(join(panel, 'V4/genome.fa'), broken);
  copyFileSync(join(panel, 'V4/genome.fa.fai'), `${broken}.fai`);
  truncateSync(broken, Math.floor(statSync(broken).size / 2));
  rmSync(join(panel, 'V5/genome.fa'));
  execFileSync('mkfifo', [join(panel, 'V5/genome.fa')]);
  const cols = (line: string) => line.split('\t');
  const withFasta = (line: string, fasta: string) => [cols(line)[0], fasta, ...cols(line).slice(2)].join('\t');
  manifest = join(panel, 'dry.tsv');
  writeLines(manifest, [header, rows[0]!, rows[1]!, rows[2]!, withFasta(rows[3]!, 'V4/broken.fa'), rows[4]!, withFasta(rows[0]!.replace(/^V1/, 'V6'), 'V6/missing.fa')]);

  // V1 and V2 finished with example-cpg@2, V3 with the older example-cpg@1; V4 failed.
  out = join(tmp.dir, 'out');
  const run = (extra: string[]) => runCli(['annotate', '--manifest', manifest, '--out', out, '--workers', '1', ...extra]);
  let r = run(['--models', 'example-cpg@2', '--variety', 'V1', '--variety', 'V2', '--variety', 'V4']);
  assert.equal(r.status, 1, r.stderr);
  r = run(['--models', 'example-cpg@1', '--variety', 'V3']);
  assert.equal(r.status, 0, r.stderr);
});

after(() => tmp.cleanup());

function dryRun(extra: string[] = [], models = MODELS) {
  const r = runCli(['annotate', '--dry-run', '--manifest', manifest, '--out', out, ...FAST_MODEL, '--models-dir', models, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  const [header, ...rows] = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(header, ['variety', 'fasta', 'action', 'status', 'detail']);
  return { rows, stderr: r.stderr };
}

test('the dry run says per variety whether a run skips or runs it, and why', () => {
  const { rows, stderr } = dryRun();
  assert.deepEqual(
    rows.map(([variety, fasta, action, status]) => [variety, fasta, action, status]),
    [
      ['V1', join(panel, 'V1/genome.fa'), 'skip', 'done'],
      ['V2', join(panel, 'V2/genome.fa'), 'skip', 'done'],
      ['V3', join(panel, 'V3/genome.fa'), 'run', 'outdated'],
      ['V4', join(panel, 'V4/broken.fa'), 'run', 'failed'],
      ['V5', join(panel, 'V5/genome.fa'), 'run', 'new'],
      ['V6', join(panel, 'V6/missing.fa'), 'run', 'no_input'],
    ],
  );
  const detail = new Map(rows.map((r) => [r[0], r[4]]));
  assert.match(detail.get('V3')!, /finished with example-cpg@1; wanted example-cpg@2/);
  assert.match(detail.get('V4')!, /failed after 1 attempt\(s\), input\/fasta_\w+: .*broken\.fa/);
  assert.match(detail.get('V6')!, /missing\.fa not found/);
  assert.match(stderr, /dry run, shard 0\/1 with example-cpg@2: 6 varieties, 2 done, 4 would run \(1 new, 1 outdated, 1 failed before, 1 without their FASTA\); nothing was run/);
});

test('the dry run follows --shard and --variety like a run', () => {
  assert.deepEqual(dryRun(['--shard', '1/2']).rows.map((r) => r[0]), ['V2', 'V4', 'V6']);
  assert.deepEqual(dryRun(['--variety', 'V3', '--variety', 'V1']).rows.map((r) => [r[0], r[3]]), [['V1', 'done'], ['V3', 'outdated']]);
});

test('the dry run reads no FASTA and no model weights, and writes nothing', () => {
  // A repository whose example-cpg@2 weights are corrupt: loading it fails the sha256 check.
  const models = join(tmp.dir, 'models');
  cpSync(join(MODELS, 'example-cpg'), join(models, 'example-cpg'), { recursive: true });
  writeFileSync(join(models, 'example-cpg/2/model.onnx'), 'not an onnx model');
  const before = mtimes(out);
  const started = Date.now();
  const { rows } = dryRun([], models); // V5's FASTA is a FIFO: opening it would block
  assert.equal(rows.length, 6);
  assert.ok(Date.now() - started < 10_000);
  assert.deepEqual(mtimes(out), before, 'nothing in the output directory changed');
  const run = runCli(['annotate', '--manifest', manifest, '--out', out, ...FAST_MODEL, '--models-dir', models, '--variety', 'V3']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /sha256/, 'a real run does load the weights');
});
