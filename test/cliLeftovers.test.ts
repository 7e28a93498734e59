/**
 * `genomeinfer predict` leaves nothing behind and says what is wrong up front: SIGTERM or
 * SIGINT mid-prediction removes its temporary outputs (exit 143/130); an output naming a
 * directory fails before any work; negative or fractional counts get our range message,
 * not parseArgs' "ambiguous"; unknown options are named.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { CLI, runCli, tempDir } from './helpers.js';
import { waitFor } from './serverHarness.js';

let tmp: ReturnType<typeof tempDir>;
let genome: string;
let small: string;

before(async () => {
  tmp = tempDir('genomeinfer-cli-');
  genome = join(tmp.dir, 'genome.fa');
  // Several seconds on one worker, so a signal lands mid-prediction.
  await writeExampleGenome(genome, [{ name: 'chr1', length: 4_000_000 }, { name: 'chr2', length: 3_000_000 }]);
  small = join(tmp.dir, 'small.fa');
  await writeExampleGenome(small, [{ name: 'chr1', length: 20_000 }]);
});

after(() => tmp.cleanup());

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal} during predict: exit ${code}, no output and no temporary file left`, async () => {
    const out = join(tmp.dir, `out-${signal}`);
    mkdirSync(out);
    const child = spawn(process.execPath, [
      CLI, 'predict', '--model', 'example-cpg', '--fasta', genome, '--out', join(out, 'r.bed'), '--bedgraph', join(out, 'p.bedgraph'),
      '--bigwig-out', join(out, 'p'), '--workers', '1', '--device', 'cpu',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Temporary outputs exist once the prediction has started writing.
    await waitFor(async () => readdirSync(out).some((f) => f.endsWith('.tmp')), 30_000, 'temporary outputs', 10);
    child.kill(signal);
    assert.equal(await exited, code, stderr);
    assert.deepEqual(readdirSync(out), [], 'output directory empty');
    assert.match(stderr, new RegExp(`stopped by ${signal}; no output was written`));
  });
}

test('--out, --bedgraph or --bigwig-out naming a directory fails before any work', () => {
  const dir = join(tmp.dir, 'a-directory');
  mkdirSync(join(dir, 'p.gc_rich.bedgraph'), { recursive: true });
  mkdirSync(join(dir, 'p.cpg_island.bw'), { recursive: true });
  const cases: [string[], string][] = [
    [['--out', dir], `--out ${dir} is a directory`],
    [['--out', join(dir, 'r.bed'), '--bedgraph', join(dir, 'p.bedgraph')], `--bedgraph output ${join(dir, 'p.gc_rich.bedgraph')} is a directory`],
    [['--out', join(dir, 'r.bed'), '--bigwig-out', join(dir, 'p')], `--bigwig-out output ${join(dir, 'p.cpg_island.bw')} is a directory`],
  ];
  for (const [outArgs, message] of cases) {
    const r = runCli(['predict', '--model', 'example-cpg', '--fasta', genome, ...outArgs, '--workers', '1', '--device', 'cpu']);
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(message), r.stderr);
    assert.doesNotMatch(r.stderr, /execution provider/, 'no inference engine was started');
  }
  assert.deepEqual(readdirSync(dir).sort(), ['p.cpg_island.bw', 'p.gc_rich.bedgraph']);
});

test('counts and thresholds out of range, fractional or negative: our message, not "argument is ambiguous"; unknown options named', () => {
  const predict = (args: string[]) =>
    runCli(['predict', '--model', 'example-cpg', '--fasta', small, '--out', join(tmp.dir, 'x.bed'), '--workers', '1', '--device', 'cpu', ...args]);
  const cases: [string[], string][] = [
    [['--top-n', '-1'], "--top-n must be an integer ≥ 0, not '-1'"],
    [['--top-n', '1.5'], "--top-n must be an integer ≥ 0, not '1.5'"],
    [['--min-region-bp', '-100'], "--min-region-bp must be an integer ≥ 0, not '-100'"],
    [['--merge-gap-bp', ''], "--merge-gap-bp must be an integer ≥ 0, not ''"],
    [['--threshold', '-.5'], "--threshold must be a number in [0, 1], not '-.5'"],
    [['--threshold', '1.5'], "--threshold must be a number in [0, 1], not '1.5'"],
    [['--treshold', '0.5'], 'unknown option --treshold'],
    [['--out'], "--out needs a value"],
    [['--bedgraph', '--top-n', '2'], "--bedgraph needs a value, and the next argument starts with '-'"],
  ];
  for (const [args, message] of cases) {
    const r = predict(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(message), `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /ambiguous/);
  }
});
