import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IRGSP_CHROMOSOMES, planGenome } from '../src/simulate/riceLayout.js';
import { RICE_FILES } from '../src/simulate/genomeFiles.js';
import { runCli, sh, tempDir } from './helpers.js';

/** Small genomes: 3 chromosomes at 3% of rice size (~3.4 Mb), ~0.3 s each to write. */
const SMALL = ['--scale', '0.03', '--chromosomes', '3'];
/** Seed 30 has every decoy kind and CRR insertions in its first three chromosomes at this scale. */
const SEED = '30';

let tmp: ReturnType<typeof tempDir>;
let a: string;

interface Bed {
  chrom: string;
  start: number;
  end: number;
  name: string;
  fields: string[];
}

function simulate(name: string, args: string[]): string {
  const dir = join(tmp.dir, name);
  const r = runCli(['simulate', '--out', dir, ...args]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^genomeinfer: wrote .*genome\.fa .* chromosomes, .* Mb, CentO monomer \d+ bp \(case [a-z-]+\), .*\n$/);
  return dir;
}

function readBed(dir: string, file: string): Bed[] {
  const text = readFileSync(join(dir, file), 'utf8');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => {
    const fields = line.split('\t');
    return { chrom: fields[0]!, start: Number(fields[1]), end: Number(fields[2]), name: fields[3]!, fields };
  });
}

function readFasta(dir: string): Map<string, string> {
  const seqs = new Map<string, string>();
  for (const record of readFileSync(join(dir, 'genome.fa'), 'latin1').split('>').slice(1)) {
    const newline = record.indexOf('\n');
    seqs.set(record.slice(0, newline).split(' ')[0]!, record.slice(newline + 1).replaceAll('\n', ''));
  }
  return seqs;
}

/** 1 where a position lies in one of the intervals, per chromosome. */
function maskOf(seqs: Map<string, string>, ...beds: Bed[][]): Map<string, Uint8Array> {
  const masks = new Map([...seqs].map(([name, s]) => [name, new Uint8Array(s.length)]));
  for (const bed of beds) for (const r of bed) masks.get(r.chrom)!.fill(1, r.start, r.end);
  return masks;
}

/**
 * How often the base at x equals the base at x + offsetBp (case-insensitive), for ~20,000
 * evenly spaced x in [startBp, endBp − offsetBp) whose pair avoids `skip` and N. Random
 * sequence at rice GC gives ≈ 0.26; a tandem array with that period gives far more.
 */
function periodMatch(seq: string, startBp: number, endBp: number, offsetBp: number, skip: Uint8Array): number {
  let same = 0;
  let n = 0;
  const step = Math.max(1, Math.floor((endBp - startBp - offsetBp) / 20_000));
  for (let x = startBp; x + offsetBp < endBp; x += step) {
    if (skip[x] || skip[x + offsetBp]) continue;
    const b = seq.charCodeAt(x) & 0xdf;
    if (b === 78) continue;
    n++;
    if (b === (seq.charCodeAt(x + offsetBp) & 0xdf)) same++;
  }
  assert.ok(n > 100, `too few positions to compare in ${startBp}-${endBp} at +${offsetBp}`);
  return same / n;
}

before(() => {
  tmp = tempDir('genomeinfer-simulate-');
  a = simulate('a', ['--seed', SEED, ...SMALL]);
});
after(() => tmp.cleanup());

test('rice-like genome: same seed and options → byte-identical files; another seed differs; fewer chromosomes are a prefix', () => {
  const b = simulate('b', ['--seed', SEED, ...SMALL]);
  const c = simulate('c', ['--seed', '31', ...SMALL]);
  const two = simulate('two', ['--seed', SEED, '--scale', '0.03', '--chromosomes', '2']);
  for (const f of RICE_FILES) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs between identical runs`);
  for (const f of ['genome.fa', 'params.json', 'centromeres.bed']) assert.ok(!readFileSync(join(a, f)).equals(readFileSync(join(c, f))), `${f} is the same for seeds 30 and 31`);
  // Each chromosome has its own random streams: chr1–chr2 do not depend on whether chr3 is made.
  for (const f of ['genome.fa', 'centromeres.bed', 'repeats.bed', 'gaps.bed']) {
    const whole = readFileSync(join(a, f));
    const part = readFileSync(join(two, f));
    assert.ok(part.length < whole.length && whole.subarray(0, part.length).equals(part), `${f} of 2 chromosomes is not a prefix of 3`);
  }
  const params = JSON.parse(readFileSync(join(a, 'params.json'), 'utf8'));
  assert.equal(params.seed, 30);
  assert.equal(params.case, 'mixed');
  assert.equal(params.layout.length, 3);
  assert.ok(params.params.centO.monomerBp >= 100 && params.params.centO.monomerBp <= 1000);
});

test('rice-like genome: .fai equals samtools faidx; BEDs are BED6, sorted for bedtools, inside the chromosomes', () => {
  const fai = join(a, 'genome.fa.fai');
  const theirs = join(tmp.dir, 'samtools.fai');
  sh('samtools', ['faidx', join(a, 'genome.fa'), '-o', theirs]);
  assert.equal(readFileSync(fai, 'utf8'), readFileSync(theirs, 'utf8'));
  const lengths = readFileSync(fai, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(lengths.map((l) => l[0]), ['chr1', 'chr2', 'chr3']);
  assert.deepEqual(lengths.map((l) => Number(l[1])), IRGSP_CHROMOSOMES.slice(0, 3).map((c) => Math.round(c.length * 0.03)));
  assert.ok(readFileSync(join(a, 'genome.fa'), 'latin1').split('\n').every((line) => line.length <= 60 || line.startsWith('>')));

  const genome = join(tmp.dir, 'genome.txt');
  writeFileSync(genome, lengths.map((l) => `${l[0]}\t${l[1]}\n`).join(''));
  for (const f of ['centromeres.bed', 'decoys.bed', 'repeats.bed', 'gaps.bed']) {
    const path = join(a, f);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.length > 0, `${f} is empty`);
    assert.equal(sh('bedtools', ['sort', '-faidx', fai, '-i', path]), text, `${f} is not in FASTA order`);
    // slop by 0 with the genome file: bedtools parses every line and clips nothing.
    assert.equal(sh('bedtools', ['slop', '-i', path, '-g', genome, '-b', '0']), text, `${f} leaves its chromosomes`);
    for (const r of readBed(a, f)) {
      assert.equal(r.fields.length, 6, `${f}: ${r.fields.join(' ')}`);
      assert.ok(r.start >= 0 && r.start < r.end, `${f}: ${r.fields.join(' ')}`);
    }
  }
  const centromeres = readBed(a, 'centromeres.bed');
  assert.deepEqual(centromeres.map((r) => r.chrom), ['chr1', 'chr2', 'chr3']);
  for (const r of centromeres) assert.deepEqual(r.fields.slice(3), ['centromere', '1000', '.']);
  const decoys = readBed(a, 'decoys.bed');
  assert.deepEqual([...new Set(decoys.map((r) => r.name))].sort(), ['rDNA_45S', 'rDNA_5S', 'subtelomeric_satellite']);
  assert.equal(sh('bedtools', ['intersect', '-u', '-a', join(a, 'decoys.bed'), '-b', join(a, 'centromeres.bed')]), '', 'a decoy overlaps a centromere');
  assert.equal(sh('bedtools', ['intersect', '-u', '-a', join(a, 'gaps.bed'), '-b', join(a, 'centromeres.bed'), join(a, 'decoys.bed')]), '', 'a gap overlaps an array');
  const families = new Set(JSON.parse(readFileSync(join(a, 'params.json'), 'utf8')).params.transposons.families.map((f: { name: string }) => f.name));
  for (const r of readBed(a, 'repeats.bed')) assert.ok(families.has(r.name) && /^[+-]$/.test(r.fields[5]!), r.fields.join(' '));
});

test('rice-like genome: the centromere is a tandem array at the monomer length with HORs; decoys repeat at their own unit', () => {
  const params = JSON.parse(readFileSync(join(a, 'params.json'), 'utf8'));
  const monomerBp: number = params.params.centO.monomerBp;
  const seqs = readFasta(a);
  const repeats = maskOf(seqs, readBed(a, 'repeats.bed'));
  const annotated = maskOf(seqs, readBed(a, 'repeats.bed'), readBed(a, 'centromeres.bed'), readBed(a, 'decoys.bed'), readBed(a, 'gaps.bed'));
  for (const r of readBed(a, 'centromeres.bed')) {
    const seq = seqs.get(r.chrom)!;
    // CRR insertions inside the array are skipped: they are TE, not satellite.
    const atMonomer = periodMatch(seq, r.start, r.end, monomerBp, repeats.get(r.chrom)!);
    const offPeriod = periodMatch(seq, r.start, r.end, monomerBp + 7, repeats.get(r.chrom)!);
    assert.ok(atMonomer > 0.55, `${r.chrom} centromere: ${atMonomer.toFixed(3)} identity at +${monomerBp}`);
    assert.ok(offPeriod < 0.4, `${r.chrom} centromere: ${offPeriod.toFixed(3)} identity at +${monomerBp + 7}`);
    // Higher-order repeat: whole HORs are copied with less divergence than the monomers within one.
    const { horBp, horMonomers } = params.layout.find((c: { name: string }) => c.name === r.chrom).centromere;
    if (horMonomers > 1) {
      const atHor = periodMatch(seq, r.start, r.end, horBp, repeats.get(r.chrom)!);
      assert.ok(atHor > atMonomer, `${r.chrom} centromere: ${atHor.toFixed(3)} identity at the HOR (+${horBp}) vs ${atMonomer.toFixed(3)} at the monomer`);
    }
    const background = periodMatch(seq, 0, seq.length, monomerBp, annotated.get(r.chrom)!);
    assert.ok(background < 0.35, `${r.chrom} background: ${background.toFixed(3)} identity at +${monomerBp}`);
  }
  const unitBp: Record<string, number> = {
    subtelomeric_satellite: params.params.decoys.subtelomeric.unitBp,
    rDNA_5S: params.params.decoys.rDNA5S.unitBp,
    rDNA_45S: params.params.decoys.rDNA45S.unitBp,
  };
  for (const r of readBed(a, 'decoys.bed')) {
    const seq = seqs.get(r.chrom)!;
    const none = new Uint8Array(seq.length);
    const atUnit = periodMatch(seq, r.start, r.end, unitBp[r.name]!, none);
    const atMonomer = periodMatch(seq, r.start, r.end, monomerBp, none);
    assert.ok(atUnit > 0.6, `${r.chrom}:${r.start} ${r.name}: ${atUnit.toFixed(3)} identity at its unit +${unitBp[r.name]}`);
    assert.ok(atMonomer < 0.4, `${r.chrom}:${r.start} ${r.name}: ${atMonomer.toFixed(3)} identity at the CentO monomer +${monomerBp}`);
  }
});

test('rice-like genome: N runs are exactly gaps.bed; background GC ≈ rice; soft-masking follows the repeats', () => {
  const seqs = readFasta(a);
  const runs: string[] = [];
  for (const [name, seq] of seqs) for (const m of seq.matchAll(/N+/g)) runs.push(`${name}\t${m.index}\t${m.index! + m[0].length}`);
  assert.deepEqual(runs, readBed(a, 'gaps.bed').map((r) => `${r.chrom}\t${r.start}\t${r.end}`));
  for (const seq of seqs.values()) assert.match(seq, /^[ACGTNacgt]+$/);

  const masked = maskOf(seqs, readBed(a, 'repeats.bed'), readBed(a, 'centromeres.bed'), readBed(a, 'decoys.bed'));
  const gaps = maskOf(seqs, readBed(a, 'gaps.bed'));
  const count = { in: 0, inLower: 0, out: 0, outLower: 0, outGc: 0 };
  for (const [name, seq] of seqs) {
    const m = masked.get(name)!;
    const g = gaps.get(name)!;
    for (let i = 0; i < seq.length; i++) {
      if (g[i]) continue;
      const c = seq.charCodeAt(i);
      const lower = c >= 97 ? 1 : 0;
      if (m[i]) {
        count.in++;
        count.inLower += lower;
      } else {
        count.out++;
        count.outLower += lower;
        const u = c & 0xdf;
        if (u === 67 || u === 71) count.outGc++;
      }
    }
  }
  const gc = count.outGc / count.out;
  assert.ok(gc >= 0.4 && gc <= 0.46, `background GC ${gc.toFixed(4)}`);
  assert.ok(count.inLower / count.in > 0.99, `only ${(count.inLower / count.in).toFixed(4)} of repeats and satellites are lowercase`);
  assert.ok(count.outLower / count.out < 0.001, `${(count.outLower / count.out).toFixed(4)} of unannotated sequence is lowercase`);
});

test('rice-like layout at full IRGSP-1.0 size: 12 chromosomes, 373,245,519 bp, CentO arrays of 65 kb–2 Mb, features disjoint', () => {
  const monomers = new Set<number>();
  for (const seed of [1, 2, 3, 4]) {
    const plan = planGenome({ seed, scale: 1, chromosomes: 12 });
    monomers.add(plan.params.centO.monomerBp);
    assert.deepEqual(plan.chromosomes.map((c) => c.name), IRGSP_CHROMOSOMES.map((c) => c.name));
    assert.equal(plan.chromosomes.reduce((s, c) => s + c.lengthBp, 0), 373_245_519);
    let teBp = 0;
    for (const c of plan.chromosomes) {
      const cen = c.centromere;
      const arrayBp = cen.endBp - cen.startBp;
      assert.ok(arrayBp >= 65_000 && arrayBp <= 2_000_000, `seed ${seed} ${c.name}: array ${arrayBp} bp`);
      const middle = (cen.startBp + cen.endBp) / 2 / c.lengthBp;
      assert.ok(middle > 0.05 && middle < 0.7, `seed ${seed} ${c.name}: centromere at ${middle.toFixed(3)}`);
      assert.deepEqual([cen.blocks[0]!.startBp, cen.blocks.at(-1)!.endBp], [cen.startBp, cen.endBp]);
      assert.ok(cen.crrCopies.length >= 1 && cen.crrCopies.every((t) => t.startBp > cen.startBp && t.startBp + t.lengthBp < cen.endBp));
      // Arrays, gaps and dispersed TE copies never overlap one another.
      const features = [cen, ...c.decoys, ...c.gaps, ...c.teCopies.map((t) => ({ startBp: t.startBp, endBp: t.startBp + t.lengthBp }))].sort((x, y) => x.startBp - y.startBp);
      for (let i = 1; i < features.length; i++) assert.ok(features[i]!.startBp >= features[i - 1]!.endBp, `seed ${seed} ${c.name}: overlap at ${features[i]!.startBp}`);
      assert.ok(features.at(-1)!.endBp <= c.lengthBp);
      for (const g of c.gaps) assert.ok(g.endBp - g.startBp >= 100 && g.endBp - g.startBp <= 50_000);
      teBp += c.teCopies.reduce((s, t) => s + t.lengthBp, 0);
      // Pericentromeric enrichment: TE coverage within one enrichment width of the array vs the far arms.
      const distance = (t: { startBp: number }) => Math.max(cen.startBp - t.startBp, t.startBp - cen.endBp, 0);
      const near = c.teCopies.filter((t) => distance(t) < c.pericentromereBp).reduce((s, t) => s + t.lengthBp, 0);
      const nearBp = Math.min(cen.startBp, c.pericentromereBp) + Math.min(c.lengthBp - cen.endBp, c.pericentromereBp);
      const far = c.teCopies.filter((t) => distance(t) > 3 * c.pericentromereBp).reduce((s, t) => s + t.lengthBp, 0);
      const farBp = Math.max(0, cen.startBp - 3 * c.pericentromereBp) + Math.max(0, c.lengthBp - cen.endBp - 3 * c.pericentromereBp);
      if (farBp > 1e6) assert.ok(near / nearBp > 1.25 * (far / farBp), `seed ${seed} ${c.name}: TE coverage ${(near / nearBp).toFixed(2)} near the centromere, ${(far / farBp).toFixed(2)} far`);
    }
    const fraction = teBp / 373_245_519;
    assert.ok(fraction > 0.15 && fraction < 0.5, `seed ${seed}: TE fraction ${fraction.toFixed(3)}`);
  }
  assert.ok(monomers.size > 1, 'the CentO monomer length does not vary with the seed');
});

test('rice-like genome: bad options get one-line usage errors', () => {
  for (const [args, message] of [
    [['--scale', '0'], /--scale must be in \(0, 1\]/],
    [['--scale', '1.5'], /--scale must be in \(0, 1\]/],
    [['--scale', 'x'], /--scale must be a number/],
    [['--scale', '0.0001'], /each chromosome needs at least/],
    [['--chromosomes', '13'], /--chromosomes must be 1…12/],
    [['--chromosomes', 'chr1:1000'], /NAME:BP lists are for --example/],
    [['--example', '--scale', '0.5'], /--scale is for the rice-like genome/],
  ] as const) {
    const r = runCli(['simulate', '--out', join(tmp.dir, 'bad'), ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
});
