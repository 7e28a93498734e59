/**
 * Bad VCF inputs (issue 14, Done-when 3) through the real CLI: each exits non-zero with one
 * `genomeinfer: error:` line naming the problem, and leaves no output behind.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, sh, tempDir } from './helpers.js';
import { simulateEpigenome, writeIndexedVcf } from './varietyFixtures.js';

let dir: string;
let cleanup: () => void;
let epi: string;
let vcf: string;
/** The VCF's lines, uncompressed. */
let lines: string[];

before(async () => {
  ({ dir, cleanup } = tempDir('genomeinfer-vcf-errors-'));
  epi = simulateEpigenome(dir, 100000);
  vcf = await writeIndexedVcf(epi, join(dir, 'calls.vcf.gz'), { spacingBp: 2000 });
  lines = sh('bgzip', ['-dc', vcf]).trimEnd().split('\n');
});
after(() => cleanup());

/** A bgzipped VCF of `text`, indexed unless `index` is false. */
function bgzipped(name: string, text: string, index = true): string {
  const plain = join(dir, name.replace(/\.gz$/, ''));
  writeFileSync(plain, text);
  sh('bgzip', ['-f', plain]);
  if (index) sh('tabix', ['-f', '-p', 'vcf', `${plain}.gz`]);
  return `${plain}.gz`;
}

let runs = 0;
/** predict on the variety; returns the error line after checking there is exactly one and no output. */
function failing(vcfPath: string, sample = 'S1'): string {
  const out = join(dir, `out${runs++}`);
  mkdirSync(out);
  const r = runCli(['predict', '--model', 'histone', '--workers', '1', '--fasta', epi, '--vcf', vcfPath, '--sample', sample, '--out', join(out, 'x.bed'), '--bigwig-out', join(out, 'x')]);
  assert.notEqual(r.status, 0);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('genomeinfer: error:'));
  assert.equal(errors.length, 1, r.stderr);
  assert.deepEqual(readdirSync(out), [], 'no output, not even a temporary file');
  return errors[0]!;
}

describe('bad VCF input: one clear error line, no output', () => {
  test('REF allele that does not match the reference names chromosome and position', () => {
    const i = lines.findIndex((l) => !l.startsWith('#') && /^\S+\t\d+\t\.\t[ACGT]\t[ACGT]\t/.test(l));
    const f = lines[i]!.split('\t');
    const wrong = 'ACGT'.replace(f[3]!, '').replace(f[4]!, '')[0]!;
    const edited = [...lines];
    edited[i] = [f[0], f[1], f[2], wrong, ...f.slice(4)].join('\t');
    const line = failing(bgzipped('refmismatch.vcf.gz', `${edited.join('\n')}\n`));
    assert.match(line, new RegExp(`REF allele at ${f[0]}:${f[1]} is '${wrong}' but the reference .* has '${f[3]}'`, 'i'));
  });

  test('unknown sample lists the ones there are', () => {
    assert.match(failing(vcf, 'NOPE'), /has no sample named 'NOPE'; it has 4 samples \(S1, S2, S3, S4\).*bcftools query -l/);
  });

  test('VCF without index says how to make one', () => {
    const bare = join(dir, 'bare.vcf.gz');
    copyFileSync(vcf, bare);
    assert.match(failing(bare), /has no index \(neither .*\.tbi nor .*\.csi\); create one with: bcftools index -t/);
  });

  test('chromosome names that differ only in spelling are named as such', () => {
    const renamed = lines.map((l) => l.replace(/^chr1\t/, 'chr01\t').replace('##contig=<ID=chr1,', '##contig=<ID=chr01,'));
    assert.match(failing(bgzipped('renamed.vcf.gz', `${renamed.join('\n')}\n`)), /name the same chromosomes differently: 'chr01' \(VCF\) vs 'chr1' \(FASTA\).*bcftools annotate --rename-chrs/);
  });

  test('a VCF contig the reference lacks is named', () => {
    const other = lines.map((l) => l.replace(/^chr2\t/, 'scaffold9\t').replace('##contig=<ID=chr2,', '##contig=<ID=scaffold9,'));
    assert.match(failing(bgzipped('other.vcf.gz', `${other.join('\n')}\n`)), /has variants on 'scaffold9', which .* does not have/);
  });

  test('unsorted records (an index from before the file was reordered) name the record', () => {
    // Two data lines of equal length swapped: the file's bytes keep their offsets, so the
    // sorted file's index still opens it, and the reader meets a position going backwards.
    const data = lines.map((l, i) => [l, i] as const).filter(([l]) => !l.startsWith('#') && l.startsWith('chr1\t'));
    let pair: [number, number] | undefined;
    for (let a = 0; a + 1 < data.length && !pair; a++) if (data[a]![0].length === data[a + 1]![0].length) pair = [data[a]![1], data[a + 1]![1]];
    assert.ok(pair, 'two adjacent records of equal length');
    const sorted = bgzipped('unsorted.vcf.gz', `${lines.join('\n')}\n`);
    const index = readFileSync(`${sorted}.tbi`);
    const swapped = [...lines];
    [swapped[pair[0]], swapped[pair[1]]] = [swapped[pair[1]]!, swapped[pair[0]]!];
    bgzipped('unsorted.vcf.gz', `${swapped.join('\n')}\n`, false);
    writeFileSync(`${sorted}.tbi`, index);
    const pos = swapped[pair[1]]!.split('\t')[1];
    assert.match(failing(sorted), new RegExp(`is not sorted: the record at chr1:${pos} comes after .*bcftools sort`));
  });

  test('plain gzip (not bgzip) says how to recompress', () => {
    const gz = join(dir, 'plain.vcf.gz');
    writeFileSync(join(dir, 'plain.vcf'), `${lines.join('\n')}\n`);
    sh('sh', ['-c', `gzip -c '${join(dir, 'plain.vcf')}' > '${gz}'`]);
    assert.match(failing(gz), /gzip- but not bgzip-compressed.*bgzip/);
  });

  test('BCF says the one bcftools view -Oz command', () => {
    const bcf = join(dir, 'calls.bcf');
    sh('bcftools', ['view', '-Ob', '-o', bcf, vcf]);
    assert.match(failing(bcf), /is BCF.*bcftools view -Oz -o out\.vcf\.gz/);
  });
});
