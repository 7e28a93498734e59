import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KmerWorkspace, kmerCounts } from '../src/features/kmerCounts.js';
import { FEATURE_KS, FEATURE_NAMES, binnedKmerFeature, chromosomeFeatures } from '../src/features/kmerFeatures.js';
import { InputError } from '../src/errors.js';
import { FeatureComputer, featureTasks } from '../src/features/featureComputer.js';
import { ALL_FEATURE_NAMES } from '../src/features/featureSet.js';
import { endDistanceMb } from '../src/features/positionFeatures.js';
import { familySharedFraction } from '../src/features/repeatFamily.js';
import { TANDEM_FEATURE_NAMES, tandemFeatures } from '../src/features/tandemPeriod.js';
import { POSITION_FEATURE_NAMES } from '../src/features/positionFeatures.js';
import { runCli, sh, tempDir } from './helpers.js';
import { mutate, randomBases, repeatRichChromosome, revcomp, rng } from './repeatFixtures.js';

let tmp: ReturnType<typeof tempDir>;

function writeFasta(path: string, name: string, seq: string): void {
  const lines = seq.match(/.{1,60}/g)!.join('\n');
  writeFileSync(path, `>${name} test\n${lines}\n`);
  sh('samtools', ['faidx', path]);
}

before(() => {
  tmp = tempDir();
});
after(() => tmp.cleanup());

test('64-mer counts agree with jellyfish canonical counts at every position', () => {
  const seq = repeatRichChromosome(3, 400_000);
  const fasta = join(tmp.dir, 'jf.fa');
  writeFasta(fasta, 'chrT', seq);
  const jf = join(tmp.dir, 'jf.jf');
  sh('jellyfish', ['count', '-C', '-m', '64', '-s', '2M', '-t', '2', '-o', jf, fasta]);
  const reference = new Map<string, number>();
  for (const line of sh('jellyfish', ['dump', '-c', jf]).trimEnd().split('\n')) {
    const [kmer, count] = line.split(' ');
    reference.set(kmer!, Number(count));
  }
  const counts = kmerCounts(Buffer.from(seq, 'latin1'), 64, new KmerWorkspace());
  assert.equal(counts.length, seq.length - 63);
  const upper = seq.toUpperCase();
  let checked = 0;
  let repeated = 0;
  for (let p = 0; p + 64 <= seq.length; p++) {
    const kmer = upper.slice(p, p + 64);
    if (!/^[ACGT]+$/.test(kmer)) {
      assert.equal(counts[p], 0, `position ${p}: invalid k-mer must count 0`);
      continue;
    }
    const rc = revcomp(kmer);
    const want = reference.get(kmer < rc ? kmer : rc);
    assert.equal(counts[p], want, `position ${p}`);
    checked++;
    if (want! >= 2) repeated++;
  }
  // The fixture really exercises repeats (and jellyfish saw the same k-mers we did).
  assert.ok(repeated > checked / 5, `${repeated} of ${checked} positions repeated`);
  assert.equal([...reference.values()].reduce((a, b) => a + b, 0), checked);
});

test('binned features follow DESIGN.md, brute force, for every k', () => {
  const rand = rng(9);
  const rep = randomBases(700, rand);
  // unique, repeat, unique, reverse-complement soft-masked copy, gap, diverged copy, IUPAC, partial copy
  const seq = randomBases(1500, rand) + rep + randomBases(1200, rand) + revcomp(rep).toLowerCase() + 'NNNN' + mutate(rep, 0.02, rand) + randomBases(800, rand).replace(/G/g, 'S') + rep.slice(0, 333);
  const bases = Buffer.from(seq, 'latin1');
  const upper = seq.toUpperCase();
  const binBp = 250;
  for (const k of FEATURE_KS) {
    // count_k by brute force over canonical strings
    const tally = new Map<string, number>();
    const canon: (string | undefined)[] = [];
    for (let p = 0; p + k <= seq.length; p++) {
      const kmer = upper.slice(p, p + k);
      if (!/^[ACGT]+$/.test(kmer)) {
        canon.push(undefined);
        continue;
      }
      const rc = revcomp(kmer);
      const c = kmer < rc ? kmer : rc;
      canon.push(c);
      tally.set(c, (tally.get(c) ?? 0) + 1);
    }
    const depth = (q: number) => {
      let d = 0;
      for (let p = Math.max(0, q - k + 1); p <= q && p < canon.length; p++) if (canon[p]) d = Math.max(d, tally.get(canon[p]!)!);
      return d;
    };
    const f = binnedKmerFeature(bases, k, binBp);
    assert.equal(f.depthAvg.length, Math.ceil(seq.length / binBp));
    for (let b = 0; b < f.depthAvg.length; b++) {
      const end = Math.min(seq.length, (b + 1) * binBp);
      let highlighted = 0;
      let sum = 0;
      for (let q = b * binBp; q < end; q++) {
        const d = depth(q);
        if (d >= 2) highlighted++;
        sum += d;
      }
      const length = end - b * binBp;
      assert.ok(Math.abs(f.highlightedPercent[b]! - (100 * highlighted) / length) < 1e-3, `k=${k} bin ${b} highlighted`);
      assert.ok(Math.abs(f.depthAvg[b]! - sum / length) < 1e-3 * Math.max(1, sum / length), `k=${k} bin ${b} depth`);
    }
    assert.ok(f.highlightedPercent.some((v) => v > 50) && f.highlightedPercent.some((v) => v === 0), `k=${k}: fixture has repeats and unique sequence`);
  }
});

test('features CLI: TSV and a bedGraph per feature (the eight, tandem, family, position) agree, deterministic across worker counts', () => {
  const fasta = join(tmp.dir, 'two.fa');
  const a = repeatRichChromosome(5, 120_000);
  const b = repeatRichChromosome(6, 45_555);
  writeFileSync(fasta, `>chrA\n${a.match(/.{1,60}/g)!.join('\n')}\n>chrB\n${b.match(/.{1,60}/g)!.join('\n')}\n`);
  sh('samtools', ['faidx', fasta]);
  const runs = [1, 2].map((workers) => {
    const out = join(tmp.dir, `feat${workers}`);
    const r = runCli(['features', '--fasta', fasta, '--out', out, '--bin-bp', '1000', '--workers', String(workers)]);
    assert.equal(r.status, 0, r.stderr);
    return out;
  });
  const tsv = readFileSync(join(runs[0]!, 'features.tsv'), 'utf8');
  assert.equal(tsv, readFileSync(join(runs[1]!, 'features.tsv'), 'utf8'));
  const rows = tsv.trimEnd().split('\n');
  assert.equal(rows[0], `#chrom\tstart\tend\t${ALL_FEATURE_NAMES.join('\t')}`);
  assert.deepEqual(ALL_FEATURE_NAMES.slice(0, 8), FEATURE_NAMES, 'the eight seed features come first');
  assert.equal(rows.length - 1, Math.ceil(120_000 / 1000) + Math.ceil(45_555 / 1000));
  assert.deepEqual(rows.at(-1)!.split('\t').slice(0, 3), ['chrB', '45000', '45555']);
  for (const [i, name] of ALL_FEATURE_NAMES.entries()) {
    const graph = readFileSync(join(runs[0]!, `${name}.bedgraph`), 'utf8').trimEnd().split('\n');
    assert.match(graph[0]!, /^track type=bedGraph/);
    assert.deepEqual(
      graph.slice(1),
      rows.slice(1).map((r) => {
        const f = r.split('\t');
        return [f[0], f[1], f[2], f[3 + i]].join('\t');
      }),
    );
  }
  // Same chromosome through the library: the CLI writes what binnedKmerFeature computes.
  const direct = binnedKmerFeature(Buffer.from(a, 'latin1'), 64, 1000);
  const column = rows.slice(1, 121).map((r) => Number(r.split('\t')[3]));
  column.forEach((v, bin) => assert.ok(Math.abs(v - direct.highlightedPercent[bin]!) < 1e-4));
  // The tandem, family and position columns are what their functions compute.
  const scans = [a, b].map((s) => tandemFeatures(Buffer.from(s, 'latin1'), 1000));
  const family = familySharedFraction(scans.map((t) => t.periodic), [120, 46]);
  const expected = (chrom: number, bin: number, length: number) => [
    scans[chrom]!.nearFraction[bin]!, scans[chrom]!.period[bin]!, scans[chrom]!.periodShare[bin]!, family[chrom]![bin]!,
    endDistanceMb(length, 1000)[bin]!,
  ];
  rows.slice(1).forEach((r, i) => {
    const chrom = i < 120 ? 0 : 1;
    const got = r.split('\t').slice(11).map(Number);
    expected(chrom, chrom ? i - 120 : i, chrom ? 45_555 : 120_000).forEach((v, j) => assert.ok(Math.abs(got[j]! - v) < 1e-4, `row ${i} column ${j}`));
  });
  assert.ok(rows.some((r) => r.split('\t')[12] === '155.0000'), 'the fixture\'s 155-bp array has its period');
});

test('feature workers hand typed input errors back typed (a bad base in the FASTA is an InputError, not a bare Error)', async () => {
  const fasta = join(tmp.dir, 'bad.fa');
  const seq = repeatRichChromosome(8, 30_000).replace(/N/g, 'A');
  writeFileSync(fasta, `>chrA\n${(seq.slice(0, 12_345) + 'X' + seq.slice(12_346)).match(/.{1,60}/g)!.join('\n')}\n`);
  sh('samtools', ['faidx', fasta]);
  const computer = new FeatureComputer(1);
  try {
    await assert.rejects(
      async () => {
        for await (const _ of computer.chromosomes({ fasta }, [{ name: 'chrA', length: 30_000 }], 1000, ALL_FEATURE_NAMES)) void _;
      },
      (err: unknown) => err instanceof InputError && /chrA/.test(err.message) && /X|character|base/i.test(err.message),
    );
  } finally {
    await computer.close();
  }
});

test('FeatureComputer starts the largest chromosome first but yields in FASTA order, with and without the family step', async () => {
  const fasta = join(tmp.dir, 'ascending.fa');
  const lengths = { chrS: 20_000, chrM: 52_500, chrL: 90_000, chrT: 20_000 };
  const seqs = Object.entries(lengths).map(([name, length], i) => [name, repeatRichChromosome(40 + i, length)] as const);
  writeFileSync(fasta, seqs.map(([name, s]) => `>${name}\n${s.match(/.{1,60}/g)!.join('\n')}\n`).join(''));
  sh('samtools', ['faidx', fasta]);
  const chromosomes = Object.entries(lengths).map(([name, length]) => ({ name, length }));
  for (const names of [FEATURE_NAMES, ALL_FEATURE_NAMES]) {
    const runs = [];
    for (const workers of [1, 2, 3]) {
      const computer = new FeatureComputer(workers);
      try {
        const got: { name: string; values: number[][] }[] = [];
        for await (const c of computer.chromosomes({ fasta }, chromosomes, 1000, names)) got.push({ name: c.chrom.name, values: names.map((n) => [...c.features.get(n)!]) });
        runs.push(got);
      } finally {
        await computer.close();
      }
    }
    assert.deepEqual(runs[0]!.map((c) => c.name), Object.keys(lengths));
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
  }
});

test('short scaffolds share worker tasks: each gets the features of a scan of it alone, in FASTA order, and a bad base fails its own scaffold only', async () => {
  // Tasks: a chromosome of at least 256 kb alone, shorter ones together up to 256 kb, largest first.
  assert.deepEqual(featureTasks([300_000, 1_000, 200_000, 100_000, 256_000, 2_000].map((length, i) => ({ name: `c${i}`, length }))), [[0], [4], [2, 3], [5, 1]]);
  const rand = rng(77);
  const seqs: [string, string][] = [['chrBig', repeatRichChromosome(90, 260_000)]];
  for (let i = 0; i < 150; i++) {
    const length = Math.round(Math.exp(Math.log(100) + rand() * Math.log(30)));
    seqs.push([`scaffold_${i}`, i % 10 === 3 ? repeatRichChromosome(100 + i, length) : randomBases(length, rand)]);
  }
  const bad = 70;
  const write = (path: string, withBadBase: boolean) => {
    writeFileSync(path, seqs.map(([name, s], i) => `>${name}\n${(withBadBase && i === bad ? `X${s.slice(1)}` : s).match(/.{1,60}/g)!.join('\n')}\n`).join(''));
    sh('samtools', ['faidx', path]);
  };
  const chromosomes = seqs.map(([name, s]) => ({ name, length: s.length }));
  const names = [...FEATURE_NAMES, ...TANDEM_FEATURE_NAMES, ...POSITION_FEATURE_NAMES];
  const fasta = join(tmp.dir, 'scaffolds.fa');
  write(fasta, false);
  const computer = new FeatureComputer(2);
  try {
    let i = 0;
    for await (const c of computer.chromosomes({ fasta }, chromosomes, 1000, names)) {
      const [name, s] = seqs[i++]!;
      assert.equal(c.chrom.name, name);
      const bases = Buffer.from(s, 'latin1');
      const tandem = tandemFeatures(bases, 1000);
      const alone = [...chromosomeFeatures(bases, 1000), tandem.nearFraction, tandem.period, tandem.periodShare, endDistanceMb(s.length, 1000)];
      names.forEach((n, j) => assert.deepEqual([...c.features.get(n)!], [...alone[j]!], `${name} ${n}`));
    }
    assert.equal(i, seqs.length);
    // The bad base: the scaffolds before it arrive, then its typed error; its task's others are not lost to it.
    const badFasta = join(tmp.dir, 'scaffolds-bad.fa');
    write(badFasta, true);
    const got: string[] = [];
    await assert.rejects(
      async () => {
        for await (const c of computer.chromosomes({ fasta: badFasta }, chromosomes, 1000, names)) got.push(c.chrom.name);
      },
      (err: unknown) => err instanceof InputError && err.message.includes(`scaffold_${bad - 1}`),
    );
    assert.deepEqual(got, seqs.slice(0, bad).map(([name]) => name));
  } finally {
    await computer.close();
  }
});
