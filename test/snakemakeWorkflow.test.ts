/**
 * workflows/snakemake under Debian's Snakemake 7 (installed by scripts/install-test-deps.sh),
 * on a simulated 6-variety panel with 2 cores: out/ ends byte-identical to one `annotate`
 * run, a second invocation does nothing, and after one variety's output is deleted only that
 * variety runs again (then the summary is rebuilt), in both modes: one job per variety, and
 * one job per shard.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI, ROOT, runCli, tempDir } from './helpers.js';
import { FAST_MODEL, assertSameTree, mtimes, simulatePanel } from './panelFixtures.js';

const WORKFLOW = join(ROOT, 'workflows/snakemake');
let tmp: ReturnType<typeof tempDir>;
let manifest: string;
let reference: string;

before(() => {
  tmp = tempDir('genomeinfer-snakemake-');
  manifest = simulatePanel(join(tmp.dir, 'panel'), 6);
  reference = join(tmp.dir, 'reference');
  const r = runCli(['annotate', '--manifest', manifest, '--out', reference, ...FAST_MODEL]);
  assert.equal(r.status, 0, r.stderr);
});

after(() => tmp.cleanup());

/** A working directory with its config (merged over the workflow's config.yaml); returns a runner. */
function workflow(name: string, settings: Record<string, string | number>) {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  const out = join(dir, 'out');
  const config = {
    manifest,
    out,
    models: 'example-cpg',
    genomeinfer: `'${process.execPath}' '${CLI}'`,
    threads: 1,
    mem_mb: 500,
    runtime: 5,
    ...settings,
  };
  writeFileSync(join(dir, 'config.yaml'), Object.entries(config).map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`).join(''));
  const snakemake = () => {
    const r = spawnSync(
      'snakemake',
      ['-s', join(WORKFLOW, 'Snakefile'), '--configfile', 'config.yaml', '--cores', '2', '--profile', join(WORKFLOW, 'profiles/local'), '--nocolor'],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stderr + r.stdout;
  };
  return { dir, out, snakemake };
}

/** The jobs a Snakemake log says it ran: `rule NAME` plus its wildcards, if any. */
function jobsRun(log: string): string[] {
  return [...log.matchAll(/^(?:local)?rule (\w+):\n((?: {4}.*\n)*)/gm)].map(([, rule, body]) => {
    const wildcards = /^ {4}wildcards: (.*)$/m.exec(body!)?.[1];
    return wildcards ? `${rule} ${wildcards}` : rule!;
  });
}

test('one job per variety: equal to one annotate run, resumable, and only a deleted variety reruns', () => {
  const { out, snakemake } = workflow('per-variety', { mode: 'variety' });
  const first = jobsRun(snakemake());
  assert.deepEqual(first.filter((j) => j.startsWith('annotate_variety')).sort(), ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((v) => `annotate_variety variety=${v}`));
  assert.ok(first.includes('summary'));
  assertSameTree(out, reference, 'snakemake per variety');

  const done = mtimes(out);
  const second = snakemake();
  assert.match(second, /Nothing to be done/);
  assert.deepEqual(jobsRun(second), []);
  assert.deepEqual(mtimes(out), done, 'no file rewritten');

  rmSync(join(out, 'V3'), { recursive: true });
  assert.deepEqual(jobsRun(snakemake()), ['annotate_variety variety=V3', 'summary', 'all']);
  const after = mtimes(out);
  for (const v of ['V1', 'V2', 'V4', 'V5', 'V6']) assert.equal(after.get(`${v}/example-cpg.bed`), done.get(`${v}/example-cpg.bed`), `${v} not rerun`);
  assertSameTree(out, reference, 'after rerunning V3');
});

test('one job per shard: equal to one annotate run, and a shard reruns only its deleted variety', () => {
  const { dir, out, snakemake } = workflow('per-shard', { mode: 'shard', shards: 4, concurrency: 2 });
  const first = jobsRun(snakemake());
  assert.deepEqual(first.filter((j) => j.startsWith('annotate_shard')).sort(), ['annotate_shard_0', 'annotate_shard_1', 'annotate_shard_2', 'annotate_shard_3']);
  assertSameTree(out, reference, 'snakemake per shard');

  const done = mtimes(out);
  rmSync(join(out, 'V5'), { recursive: true }); // row 4: shard 0 of 4, with V1
  assert.deepEqual(jobsRun(snakemake()), ['annotate_shard_0', 'summary', 'all']);
  const log = readFileSync(join(dir, 'logs/genomeinfer/shard-0-of-4.log'), 'utf8');
  assert.match(log, /shard 0\/4: 2 varieties, 1 already finished, 1 to run/);
  assert.equal(mtimes(out).get('V1/example-cpg.bed'), done.get('V1/example-cpg.bed'), 'V1 not rerun');
  assertSameTree(out, reference, 'after rerunning V5');
});
