/**
 * Varieties from a reference + VCF (issue 14, Done-when 1 and 2): the sequence we build
 * equals `bcftools consensus` byte for byte (every chromosome, every haplotype choice, and
 * read in windows that cut through edits), the coordinate map equals `bcftools consensus
 * --chain`, and `predict --vcf --coords variety` equals `predict` on the consensus FASTA.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VcfVarietySource } from '../src/readers/vcfVarietySource.js';
import { planSegments } from '../src/segmenting/segmenter.js';
import { python, runCli, sh, tempDir } from './helpers.js';
import { consensusFasta, fastaSequences, simulateEpigenome, simulateRice, withoutSymbolic, writeIndexedVcf } from './varietyFixtures.js';

let dir: string;
let cleanup: () => void;
let rice: string;
let riceVcf: string;
let riceForBcftools: string;

before(async () => {
  ({ dir, cleanup } = tempDir('genomeinfer-vcf-'));
  rice = simulateRice(dir);
  riceVcf = await writeIndexedVcf(rice, join(dir, 'rice.vcf.gz'));
  riceForBcftools = withoutSymbolic(riceVcf, join(dir, 'rice.nosym.vcf.gz'));
});
after(() => cleanup());

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('variety sequence = bcftools consensus', () => {
  test('every sample and haplotype choice, every chromosome, byte for byte', async () => {
    for (const sample of ['S1', 'S2', 'S3', 'S4']) {
      for (const haplotype of ['1', '2', 'R', 'A'] as const) {
        const expected = fastaSequences(sh('bcftools', ['consensus', '-s', sample, '-H', haplotype, '-f', rice, riceForBcftools]));
        const source = await VcfVarietySource.open({ fasta: rice }, { vcf: riceVcf, sample, haplotype });
        try {
          assert.deepEqual(source.chromosomes.map((c) => c.name), [...expected.keys()]);
          for (const c of source.chromosomes) {
            assert.equal(c.length, expected.get(c.name)!.length, `${sample} -H ${haplotype} ${c.name} length`);
            assert.ok(text(await source.read(c.name, 0, c.length)) === expected.get(c.name), `${sample} -H ${haplotype} ${c.name} differs from bcftools consensus`);
          }
          // Every case of the fixture happened (counts come from the records, not the fixture's plan).
          const k = source.counts;
          assert.ok(k.snps > 100 && k.indels > 20 && k.other > 0, JSON.stringify(k));
          assert.ok(k.symbolic >= 6 && k.overlapping >= 3 && k.missing > 0 && k.heterozygous > 0, JSON.stringify(k));
        } finally {
          await source.close();
        }
      }
    }
  });

  test('ranges read at segment windows and through the middle of every edit equal the consensus substrings', async () => {
    const expected = fastaSequences(sh('bcftools', ['consensus', '-s', 'S1', '-H', '1', '-f', rice, riceForBcftools]));
    const source = await VcfVarietySource.open({ fasta: rice }, { vcf: riceVcf, sample: 'S1' });
    try {
      let crossing = 0;
      for (const c of source.chromosomes) {
        const seq = expected.get(c.name)!;
        const geometry = { binBp: 100, segmentBins: 200, contextBins: 30 };
        for (const s of planSegments(c, geometry)) {
          const from = Math.max(0, s.inputStart);
          const to = Math.min(c.length, s.inputEnd);
          assert.equal(text(await source.read(c.name, from, to)), seq.slice(from, to));
        }
        // Cuts inside every ALT (and right after every deletion): reads that start and end inside edits.
        const edits = source.edits(c.name);
        const cuts = [0];
        for (let i = 0; i < edits.count; i++) cuts.push(edits.varietyStart[i]! + Math.floor(edits.altLength(i) / 2) + (i % 2));
        cuts.push(c.length);
        for (let i = 1; i < cuts.length; i++) {
          const from = cuts[i - 1]!;
          const to = Math.max(from, Math.min(c.length, cuts[i]!));
          if (edits.altLength(i - 1 < edits.count ? i - 1 : 0) > 1) crossing++;
          assert.equal(text(await source.read(c.name, from, to)), seq.slice(from, to), `${c.name}:${from}-${to}`);
        }
        // The padded buffer the pipeline passes: written at an offset, nothing outside touched.
        const out = new Uint8Array(1000).fill(78);
        await source.read(c.name, 5000, 5900, out, 50);
        assert.equal(text(out.subarray(50, 950)), seq.slice(5000, 5900));
        assert.ok(out.subarray(0, 50).every((b) => b === 78) && out.subarray(950).every((b) => b === 78));
      }
      assert.ok(crossing > 10, 'insertions cut by a read boundary');
    } finally {
      await source.close();
    }
  });

  test('a CSI index (bcftools index -c) reads the same variety as a .tbi', async () => {
    const csiVcf = join(dir, 'csi.vcf.gz');
    copyFileSync(riceVcf, csiVcf);
    sh('bcftools', ['index', '-c', csiVcf]);
    const [viaCsi, viaTbi] = await Promise.all([csiVcf, riceVcf].map((vcf) => VcfVarietySource.open({ fasta: rice }, { vcf, sample: 'S2', haplotype: 'A' })));
    try {
      for (const c of viaTbi!.chromosomes) assert.ok(text(await viaCsi!.read(c.name, 0, c.length)) === text(await viaTbi!.read(c.name, 0, c.length)), c.name);
      assert.deepEqual(viaCsi!.counts, viaTbi!.counts);
    } finally {
      await Promise.all([viaCsi!.close(), viaTbi!.close()]);
    }
  });

  test('the coordinate map equals bcftools consensus --chain on every interval', async () => {
    for (const sample of ['S1', 'S3']) {
      const chain = join(dir, `${sample}.chain`);
      consensusFasta(rice, riceForBcftools, sample, '1', join(dir, `${sample}.fa`), chain);
      const chains = parseChain(readFileSync(chain, 'utf8'));
      const source = await VcfVarietySource.open({ fasta: rice }, { vcf: riceVcf, sample });
      try {
        for (const c of source.chromosomes) {
          const edits = source.edits(c.name);
          const expected = chains.get(c.name)!;
          assert.equal(expected.refSize, edits.reference.length);
          assert.equal(expected.varSize, c.length);
          assert.deepEqual(edits.alignedBlocks(), expected.blocks, `${sample} ${c.name}`);
        }
      } finally {
        await source.close();
      }
    }
  });
});

/** A chain file's blocks per reference sequence, as [refStart, varStart, length]. */
function parseChain(text: string): Map<string, { refSize: number; varSize: number; blocks: { refStart: number; varStart: number; length: number }[] }> {
  const out = new Map<string, { refSize: number; varSize: number; blocks: { refStart: number; varStart: number; length: number }[] }>();
  let current: { refSize: number; varSize: number; blocks: { refStart: number; varStart: number; length: number }[] } | undefined;
  let ref = 0;
  let v = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('chain')) {
      const f = line.split(/\s+/);
      current = { refSize: Number(f[3]), varSize: Number(f[8]), blocks: [] };
      out.set(f[2]!, current);
      ref = Number(f[5]);
      v = Number(f[10]);
      continue;
    }
    const f = line.trim().split(/\s+/).filter(Boolean).map(Number);
    if (!current || f.length === 0) continue;
    if (f[0]! > 0) current.blocks.push({ refStart: ref, varStart: v, length: f[0]! });
    ref += f[0]! + (f[1] ?? 0);
    v += f[0]! + (f[2] ?? 0);
  }
  return out;
}

describe('predict on a variety from a VCF', () => {
  let epi: string;
  let epiVcf: string;
  before(async () => {
    epi = simulateEpigenome(dir);
    epiVcf = await writeIndexedVcf(epi, join(dir, 'epi.vcf.gz'));
  });

  const predict = (args: string[]) => {
    const r = runCli(['predict', '--model', 'histone', '--workers', '1', ...args]);
    assert.equal(r.status, 0, r.stderr);
    return r.stderr;
  };

  test('--coords variety gives the BED of predict on the bcftools consensus FASTA, byte for byte', () => {
    const consensus = consensusFasta(epi, withoutSymbolic(epiVcf, join(dir, 'epi.nosym.vcf.gz')), 'S2', '1', join(dir, 'epiS2.fa'));
    const log = predict(['--fasta', epi, '--vcf', epiVcf, '--sample', 'S2', '--coords', 'variety', '--out', join(dir, 'vcf.bed')]);
    assert.match(log, /variety S2 from .* \d+ SNPs, \d+ indels/);
    predict(['--fasta', consensus, '--out', join(dir, 'consensus.bed')]);
    const bed = readFileSync(join(dir, 'vcf.bed'), 'utf8');
    assert.ok(bed.split('\n').length > 10, 'the model calls regions on the simulated epigenome');
    assert.equal(bed, readFileSync(join(dir, 'consensus.bed'), 'utf8'));
  });

  test('a model whose feature workers read the genome themselves (centromere) sees the same variety', () => {
    const consensus = consensusFasta(rice, riceForBcftools, 'S1', '1', join(dir, 'riceS1.fa'));
    const run = (args: string[], out: string) => {
      const r = runCli(['predict', '--model', 'centromere', '--workers', '1', '--top-n', '0', '--threshold', '0.3', ...args, '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      return readFileSync(out, 'utf8');
    };
    const fromVcf = run(['--fasta', rice, '--vcf', riceVcf, '--sample', 'S1', '--coords', 'variety'], join(dir, 'cen-vcf.bed'));
    assert.ok(fromVcf.length > 0, 'centromere calls');
    assert.equal(fromVcf, run(['--fasta', consensus], join(dir, 'cen-consensus.bed')));
  });

  test('reference coordinates (the default): tracks span the reference chromosomes', () => {
    predict(['--fasta', epi, '--vcf', epiVcf, '--sample', 'S2', '--out', join(dir, 'ref.bed'), '--bigwig-out', join(dir, 'ref')]);
    const sizes = python(`import pyBigWig,sys\nprint(pyBigWig.open(sys.argv[1]).chroms())`, [join(dir, 'ref.H3K4me3.bw')]);
    const fai = readFileSync(`${epi}.fai`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    for (const [name, length] of fai) assert.match(sizes, new RegExp(`'${name}': ${length}\\b`));
    const regions = sh('bedtools', ['intersect', '-u', '-a', join(dir, 'ref.bed'), '-b', join(dir, 'epi', 'H3K4me3.peaks.bed')]);
    assert.ok(regions.length > 0, 'projected regions still meet the reference peaks');
  });

  test('SNP-only VCF: reference and variety coordinates give identical files', async () => {
    const snps = await writeIndexedVcf(epi, join(dir, 'snps.vcf.gz'), { snpsOnly: true, seed: 4 });
    for (const coords of ['reference', 'variety']) {
      predict(['--fasta', epi, '--vcf', snps, '--sample', 'S1', '--coords', coords, '--out', join(dir, `snp-${coords}.bed`), '--bedgraph', join(dir, `snp-${coords}.bedgraph`)]);
    }
    assert.equal(readFileSync(join(dir, 'snp-reference.bed'), 'utf8'), readFileSync(join(dir, 'snp-variety.bed'), 'utf8'));
    for (const label of ['H3K4me3', 'H3K27me3', 'H3K9ac']) {
      assert.equal(readFileSync(join(dir, `snp-reference.${label}.bedgraph`), 'utf8'), readFileSync(join(dir, `snp-variety.${label}.bedgraph`), 'utf8'));
    }
  });
});
