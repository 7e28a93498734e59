/**
 * Bad inputs through the real CLI (`genomeinfer predict …`): each must exit non-zero with one
 * `genomeinfer: error:` line naming the offending file/chromosome/problem, and leave no output
 * (no BED, no bedGraph, no `.tmp` leftovers) behind.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { MODELS, python, runCli, sh, tempDir } from './helpers.js';

const CHROMS = [
  { name: 'chr1', length: 30000 },
  { name: 'chr2', length: 20000 },
];

const BIGWIG_SCRIPT = `
import sys, pyBigWig
path = sys.argv[1]
chroms = [(c.split(':')[0], int(c.split(':')[1])) for c in sys.argv[2:]]
bw = pyBigWig.open(path, 'w')
bw.addHeader(chroms)
for name, _ in chroms:
    bw.addEntries([name], [0], ends=[100], values=[1.0])
bw.close()
`;

/** Writes a bigWig with one 100-bp entry on each of `chroms`. */
function writeBigWig(path: string, chroms: { name: string; length: number }[]): void {
  python(BIGWIG_SCRIPT, [path, ...chroms.map((c) => `${c.name}:${c.length}`)]);
}

let root: string;
let cleanup: () => void;
/** A valid 2-chromosome FASTA + .fai, copied per test where it gets modified. */
let genome: string;
let outCount = 0;

before(async () => {
  ({ dir: root, cleanup } = tempDir('genomeinfer-inputerrors-'));
  genome = join(root, 'genome.fa');
  await writeExampleGenome(genome, CHROMS);
});

after(() => cleanup());

/** A fresh, existing, empty output directory and the output paths inside it. */
function outputs(): { dir: string; bed: string; bedGraph: string; args: string[] } {
  const dir = join(root, `out-${++outCount}`);
  mkdirSync(dir);
  const bed = join(dir, 'regions.bed');
  const bedGraph = join(dir, 'probs.bedgraph');
  return { dir, bed, bedGraph, args: ['--out', bed, '--bedgraph', bedGraph] };
}

/** A copy of the valid genome under `name` (FASTA and, unless told otherwise, its .fai). */
function copyGenome(name: string, withFai = true): string {
  const fa = join(root, name);
  copyFileSync(genome, fa);
  if (withFai) copyFileSync(`${genome}.fai`, `${fa}.fai`);
  return fa;
}

/**
 * Runs `predict` with `args` plus fresh --out/--bedgraph paths and checks the failure
 * contract: non-zero exit, exactly one `genomeinfer: error:` line on stderr containing every
 * `needle`, nothing on stdout, and an output directory left empty. Returns the error line.
 */
function expectFailure(args: string[], needles: string[], device = 'cpu'): string {
  const out = outputs();
  const r = runCli(['predict', ...args, ...out.args, '--device', device, '--workers', '1']);
  assert.equal(r.error, undefined, `spawn failed: ${r.error}`);
  assert.equal(typeof r.status, 'number', `killed by ${r.signal}; stderr: ${r.stderr}`);
  assert.notEqual(r.status, 0, `expected failure, got exit 0; stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n');
  assert.equal(lines.at(-1), '', `stderr must end with a newline: ${JSON.stringify(r.stderr)}`);
  assert.equal(lines.length, 2, `stderr must be exactly one line: ${JSON.stringify(r.stderr)}`);
  const line = lines[0]!;
  assert.ok(line.startsWith('genomeinfer: error: '), `stderr line: ${line}`);
  for (const needle of needles) assert.ok(line.includes(needle), `stderr line lacks ${JSON.stringify(needle)}: ${line}`);
  assert.equal(r.stdout, '');
  assert.equal(existsSync(out.bed), false, `${out.bed} was written`);
  assert.equal(existsSync(out.bedGraph), false, `${out.bedGraph} was written`);
  assert.deepEqual(readdirSync(out.dir), [], `output directory not empty (leftover .tmp or outputs)`);
  return line;
}

/** Runs `predict` expecting success and the BED file (plus at least one bedGraph) written. */
function expectSuccess(args: string[]): void {
  const out = outputs();
  const r = runCli(['predict', ...args, ...out.args, '--device', 'cpu', '--workers', '1']);
  assert.equal(r.status, 0, `expected success; stderr: ${r.stderr}`);
  assert.ok(existsSync(out.bed), 'BED not written');
  const files = readdirSync(out.dir);
  assert.ok(files.some((f) => f.startsWith('probs.') && f.endsWith('.bedgraph')), `no bedGraph in ${files.join(', ')}`);
  assert.ok(!files.some((f) => f.endsWith('.tmp')), `leftover .tmp in ${files.join(', ')}`);
}

/** A model repository holding a copy of example-cpg whose model.json `edit` changes. */
function modelRepo(name: string, edit: (manifest: any) => void): string {
  const repo = join(root, name);
  const dir = join(repo, 'example-cpg', '1');
  cpSync(join(MODELS, 'example-cpg', '1'), dir, { recursive: true });
  const path = join(dir, 'model.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return repo;
}

describe('predict: controls (the fixtures themselves are valid)', () => {
  test('plain FASTA, bgzip FASTA, complete bigWig and a copied model repository all run', () => {
    expectSuccess(['--model', 'example-cpg', '--fasta', genome]);

    const bgz = join(root, 'ok.fa.gz');
    sh('bash', ['-c', 'bgzip -c "$1" > "$2" && samtools faidx "$2"', '_', genome, bgz]);
    expectSuccess(['--model', 'example-cpg', '--fasta', bgz]);

    const bw = join(root, 'complete.bw');
    writeBigWig(bw, CHROMS);
    expectSuccess(['--model', 'example-signal', '--fasta', genome, '--track', `signal=${bw}`]);

    const repo = modelRepo('models-ok', () => {});
    expectSuccess(['--model', 'example-cpg', '--fasta', genome, '--models-dir', repo]);
  });
});

describe('predict: bad FASTA inputs', () => {
  test('FASTA without its .fai', () => {
    const fa = copyGenome('nofai.fa', false);
    expectFailure(['--model', 'example-cpg', '--fasta', fa], [`${fa}.fai`, 'not found', 'samtools faidx']);
  });

  test('.fai of a different FASTA (other chromosome names)', async () => {
    const other = join(root, 'other-names.fa');
    await writeExampleGenome(other, [{ name: 'chrA', length: 25000 }, { name: 'chr2', length: 20000 }], 7);
    const fa = copyGenome('foreign-fai.fa', false);
    copyFileSync(`${other}.fai`, `${fa}.fai`);
    expectFailure(['--model', 'example-cpg', '--fasta', fa], [`${fa}.fai`, 'does not match', fa, 'chrA']);
  });

  test('.fai of a different FASTA (same names, other lengths)', async () => {
    const other = join(root, 'other-lengths.fa');
    await writeExampleGenome(other, [{ name: 'chr1', length: 25000 }, { name: 'chr2', length: 20000 }]);
    const fa = copyGenome('foreign-fai2.fa', false);
    copyFileSync(`${other}.fai`, `${fa}.fai`);
    expectFailure(['--model', 'example-cpg', '--fasta', fa], [`${fa}.fai`, 'does not match', 'chr1']);
  });

  describe('.fai with one line edited', () => {
    // .fai columns: name, length, offset, linebases, linewidth. The genome has 60 bases a line.
    const edits: { what: string; chrom: string; column: number; change: (v: number) => number; word: string }[] = [
      { what: 'chr2 offset one byte late', chrom: 'chr2', column: 2, change: (v) => v + 1, word: 'new line' },
      { what: 'chr2 offset one byte early', chrom: 'chr2', column: 2, change: (v) => v - 1, word: 'new line' },
      { what: 'chr1 length one base short', chrom: 'chr1', column: 1, change: (v) => v - 1, word: 'length 29999' },
      { what: 'chr1 length one whole line short', chrom: 'chr1', column: 1, change: (v) => v - 60, word: 'length 29940' },
      { what: 'chr2 length short by its last partial line', chrom: 'chr2', column: 1, change: () => 19980, word: 'length 19980' },
      { what: 'chr1 length five bases long', chrom: 'chr1', column: 1, change: (v) => v + 5, word: 'length 30005' },
      { what: 'chr2 line width wrong', chrom: 'chr2', column: 4, change: (v) => v + 1, word: 'length 20000' },
    ];
    for (const [i, e] of edits.entries()) {
      test(e.what, () => {
        const fa = copyGenome(`edited-${i}.fa`);
        const rows = readFileSync(`${fa}.fai`, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
        const row = rows.find((r) => r[0] === e.chrom)!;
        row[e.column] = String(e.change(Number(row[e.column])));
        writeFileSync(`${fa}.fai`, rows.map((r) => r.join('\t')).join('\n') + '\n');
        expectFailure(['--model', 'example-cpg', '--fasta', fa], [`${fa}.fai`, 'does not match', `sequence ${e.chrom} `, e.word]);
      });
    }
  });

  test('bgzip FASTA whose .gzi was removed', () => {
    const bgz = join(root, 'nogzi.fa.gz');
    sh('bash', ['-c', 'bgzip -c "$1" > "$2" && samtools faidx "$2"', '_', genome, bgz]);
    assert.ok(existsSync(`${bgz}.gzi`) && existsSync(`${bgz}.fai`), 'samtools faidx made no .gzi/.fai');
    rmSync(`${bgz}.gzi`);
    expectFailure(['--model', 'example-cpg', '--fasta', bgz], [`${bgz}.gzi`, 'bgzip', 'not found']);
  });

  test('plain-gzip FASTA (not bgzip), without and with a .fai', () => {
    const gz = join(root, 'plain.fa.gz');
    sh('bash', ['-c', 'gzip -c "$1" > "$2"', '_', genome, gz]);
    // samtools refuses to index it, so the realistic case has no .fai at all.
    expectFailure(['--model', 'example-cpg', '--fasta', gz], [gz, 'not bgzip', 'bgzip']);
    copyFileSync(`${genome}.fai`, `${gz}.fai`);
    expectFailure(['--model', 'example-cpg', '--fasta', gz], [gz, 'not bgzip', 'bgzip']);
  });

  test('empty FASTA (0 bytes) with an empty .fai', () => {
    const fa = join(root, 'empty.fa');
    writeFileSync(fa, '');
    writeFileSync(`${fa}.fai`, '');
    expectFailure(['--model', 'example-cpg', '--fasta', fa], [fa, 'empty']);
  });
});

describe('predict: bad track input', () => {
  test('bigWig lacking one chromosome of the FASTA', () => {
    const bw = join(root, 'chr1-only.bw');
    writeBigWig(bw, [CHROMS[0]!]);
    expectFailure(
      ['--model', 'example-signal', '--fasta', genome, '--track', `signal=${bw}`],
      [bw, 'track signal', 'no chromosome chr2', genome],
    );
  });
});

describe('predict: bad models', () => {
  test('unknown model name lists the available models', () => {
    expectFailure(['--model', 'no-such-model', '--fasta', genome], ["unknown model 'no-such-model'", 'available', 'example-cpg@1', 'example-signal@1']);
  });

  test('manifest sha256 does not match the weights', () => {
    const wrong = createHash('sha256').update('not the weights').digest('hex');
    const repo = modelRepo('models-badsha', (m) => {
      m.sha256 = wrong;
    });
    const onnx = join(repo, 'example-cpg', '1', 'model.onnx');
    expectFailure(['--model', 'example-cpg', '--fasta', genome, '--models-dir', repo], [onnx, 'sha256', wrong, 'refusing']);
  });

  test('manifest test.expected altered so the test block fails', () => {
    const repo = modelRepo('models-badtest', (m) => {
      m.test.expected[1][0] = 0.9;
    });
    expectFailure(
      ['--model', 'example-cpg', '--fasta', genome, '--models-dir', repo],
      ['example-cpg/1', 'test block failed', 'cpg_island bin 0', 'expected 0.9', 'refusing'],
    );
  });
});

describe('predict: device', () => {
  test('--device cuda on a machine without the CUDA provider', () => {
    const line = expectFailure(['--model', 'example-cpg', '--fasta', genome], ['--device cuda', '--device cpu'], 'cuda');
    assert.match(line, /CUDA/);
  });
});
