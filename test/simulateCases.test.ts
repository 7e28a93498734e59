import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planGenome } from '../src/simulate/riceLayout.js';
import { RICE_FILES } from '../src/simulate/genomeFiles.js';
import { runCli, sh, tempDir } from './helpers.js';

/**
 * `simulate --case`: each forced case shows its row of issue 11's table, checked from the
 * written files with independent tools (samtools faidx for the sequence, bedtools for the
 * truth BEDs, TRF for the period) and hand derivations, never with the simulator's own code.
 * Genomes are 2 chromosomes at --scale 0.15 (~12 Mb, under a second each).
 */
const SMALL = ['--seed', '21', '--scale', '0.15', '--chromosomes', '2'];

let tmp: ReturnType<typeof tempDir>;
const dirs: Record<string, string> = {};

interface Bed {
  chrom: string;
  start: number;
  end: number;
  name: string;
}

function simulate(name: string, args: string[]): string {
  const dir = join(tmp.dir, name);
  const r = runCli(['simulate', '--out', dir, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

function readBed(path: string): Bed[] {
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => {
    const f = line.split('\t');
    return { chrom: f[0]!, start: Number(f[1]), end: Number(f[2]), name: f[3]! };
  });
}

const paramsOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8'));

/** Bases [start, end) (0-based) of a chromosome, uppercase, read with samtools faidx. */
function region(dir: string, chrom: string, start: number, end: number): string {
  const fasta = sh('samtools', ['faidx', join(dir, 'genome.fa'), `${chrom}:${start + 1}-${end}`]);
  return fasta.split('\n').slice(1).join('').toUpperCase();
}

/** CRR copies inside each centromere, from bedtools intersect of repeats.bed and centromeres.bed. */
function crrInCentromeres(dir: string): Map<string, Bed[]> {
  const crr = join(tmp.dir, 'crr.bed');
  writeFileSync(crr, readFileSync(join(dir, 'repeats.bed'), 'utf8').split('\n').filter((l) => l.split('\t')[3] === 'CRR').map((l) => `${l}\n`).join(''));
  const out = new Map<string, Bed[]>();
  // -wa -wb: each CRR with the centromere it overlaps; -f 1: only copies wholly inside.
  for (const line of sh('bedtools', ['intersect', '-wa', '-wb', '-f', '1.0', '-a', crr, '-b', join(dir, 'centromeres.bed')]).trimEnd().split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    const key = `${f[6]}:${f[7]}`;
    out.set(key, [...(out.get(key) ?? []), { chrom: f[0]!, start: Number(f[1]), end: Number(f[2]), name: f[3]! }]);
  }
  return out;
}

/** The longest stretch of a centromere without CRR (the satellite itself). */
function satelliteStretch(cen: Bed, crr: Bed[]): { start: number; end: number } {
  let best = { start: cen.start, end: cen.start };
  let at = cen.start;
  for (const c of [...crr].sort((a, b) => a.start - b.start)) {
    if (c.start - at > best.end - best.start) best = { start: at, end: c.start };
    at = Math.max(at, c.end);
  }
  if (cen.end - at > best.end - best.start) best = { start: at, end: cen.end };
  return best;
}

/** Share of equal bases between seq[x] and seq[x + offset], x in [from, to). */
function sameShare(seq: string, offset: number, from: number, to: number): number {
  let same = 0;
  for (let x = from; x < to; x++) if (seq[x] === seq[x + offset]) same++;
  return same / (to - from);
}

/**
 * Identity of seq with itself shifted by offset: the median over 2-kb chunks, so the few
 * chunks where an indel shifted the phase between copies do not pull it down.
 */
function identityAt(seq: string, offset: number): number {
  const chunks: number[] = [];
  for (let x = 0; x + 2_000 + offset <= seq.length; x += 2_000) chunks.push(sameShare(seq, offset, x, x + 2_000));
  assert.ok(chunks.length >= 3, `too short to measure identity at +${offset}`);
  chunks.sort((a, b) => a - b);
  return chunks[Math.floor(chunks.length / 2)]!;
}

/**
 * Per-copy divergence d from the identity of two copies that each diverged independently from
 * the consensus by d (uniform substitutions): identity = (1 − d)² + d²/3, solved for d.
 */
function divergenceFromIdentity(identity: number): number {
  // (4/3)d² − 2d + (1 − identity) = 0, smaller root.
  return (2 - Math.sqrt(4 - (16 / 3) * (1 - identity))) / (8 / 3);
}

interface TrfRepeat {
  start: number;
  end: number;
  periodBp: number;
  copies: number;
  score: number;
}

/** TRF with quarTeT's settings on one sequence; its repeats, best score first. */
function trf(seq: string, name: string): TrfRepeat[] {
  const fa = `${name}.fa`;
  writeFileSync(join(tmp.dir, fa), `>${name}\n${seq}\n`);
  const r = spawnSync('trf', [fa, '2', '7', '7', '80', '10', '50', '2000', '-l', '3', '-d', '-h'], { cwd: tmp.dir, encoding: 'utf8' });
  assert.ok(r.status !== null, `trf did not run: ${r.error}`);
  const dat = readFileSync(join(tmp.dir, `${fa}.2.7.7.80.10.50.2000.dat`), 'utf8');
  return dat
    .split('\n')
    .filter((l) => /^\d+ \d+ \d+ /.test(l))
    .map((l) => {
      const f = l.split(' ').map(Number);
      return { start: f[0]!, end: f[1]!, periodBp: f[2]!, copies: f[3]!, score: f[7]! };
    })
    .sort((a, b) => b.score - a.score);
}

/**
 * TRF on a 12-kb window in the middle of the array's longest CRR-free stretch: the periods of
 * the repeats that span most of the window (it holds only satellite), best score first. TRF
 * may also report a multiple of the period (a diverged array aligns about as well at 2×).
 */
function trfOnArray(dir: string, cen: Bed, crr: Bed[], name: string): number[] {
  const s = satelliteStretch(cen, crr);
  const mid = Math.floor((s.start + s.end) / 2);
  const start = Math.max(s.start, mid - 6_000);
  const seq = region(dir, cen.chrom, start, Math.min(s.end, start + 12_000));
  const spanning = trf(seq, name).filter((r) => r.end - r.start > 0.8 * seq.length);
  assert.ok(spanning.length > 0, `${name}: TRF finds no repeat spanning ${cen.chrom}:${start}-${start + seq.length}`);
  return spanning.map((r) => r.periodBp);
}

/** Whether TRF reported one of the planned periods (± 2 bp). */
const reports = (periods: number[], planned: number[]) => periods.some((p) => planned.some((x) => Math.abs(p - x) <= 2));

before(() => {
  tmp = tempDir('genomeinfer-simulate-cases-');
  for (const c of ['cento', 'diverged', 'rdna-decoy', 'crr-rich', 'long-monomer']) dirs[c] = simulate(c, [...SMALL, '--case', c]);
  dirs.mixed = simulate('mixed', SMALL);
});
after(() => tmp.cleanup());

test('--case: params.json records the case and its drawn parameters; rows say which table row the genome shows', () => {
  for (const [name, dir] of Object.entries(dirs)) {
    const p = paramsOf(dir);
    assert.equal(p.case, name);
    assert.equal(p.params.centO.case, name);
    for (const key of ['monomerBp', 'copyDivergence', 'chromosomeDivergence', 'hor', 'horMonomers', 'monomerDivergence', 'horCopyDivergence', 'crrPer100Kb', 'crrFraction', 'arrayBp']) {
      assert.ok(key in p.params.centO, `${name}: params.centO.${key}`);
    }
    // Per-copy divergence splits into the HOR's monomer variants and HOR copies: 1 − (1 − m)(1 − h) = d.
    const c = p.params.centO;
    assert.ok(Math.abs(1 - (1 - c.monomerDivergence) * (1 - c.horCopyDivergence) - c.copyDivergence) < 2e-4, `${name}: divergences ${JSON.stringify(c)}`);
  }
  assert.equal(paramsOf(dirs.cento!).rows.cleanCentO, true);
  assert.equal(paramsOf(dirs.diverged!).rows.divergedWithoutHor, true);
  assert.equal(paramsOf(dirs['rdna-decoy']!).rows.fiveSLargerThanAllCentromeres, true);
  assert.ok(paramsOf(dirs['crr-rich']!).rows.minCrrFraction >= 0.4);
  assert.equal(paramsOf(dirs['long-monomer']!).rows.longMonomer, true);
});

test('--case: the same seed and case give identical files; another case differs; decoys.bed lists every planned decoy and rDNA locus', () => {
  const again = simulate('again', [...SMALL, '--case', 'crr-rich']);
  for (const f of RICE_FILES) assert.ok(readFileSync(join(again, f)).equals(readFileSync(join(dirs['crr-rich']!, f))), `${f} differs between identical runs`);
  assert.ok(!readFileSync(join(dirs.cento!, 'genome.fa')).equals(readFileSync(join(dirs['crr-rich']!, 'genome.fa'))));
  for (const [name, dir] of Object.entries(dirs)) {
    const p = paramsOf(dir);
    const planned = p.layout.flatMap((c: { name: string; decoys: { kind: string; startBp: number; endBp: number }[] }) => c.decoys.map((d) => `${c.name}\t${d.startBp}\t${d.endBp}\t${d.kind}`));
    assert.deepEqual(readBed(join(dir, 'decoys.bed')).map((d) => `${d.chrom}\t${d.start}\t${d.end}\t${d.name}`), planned, name);
    // Every rDNA locus on a chromosome made is there, once, under its kind.
    const decoys = readBed(join(dir, 'decoys.bed'));
    for (const [kind, loci] of [['rDNA_5S', p.params.decoys.rDNA5S.loci], ['rDNA_45S', p.params.decoys.rDNA45S.loci]] as const) {
      for (const locus of loci as { chromosome: string }[]) {
        const made = p.layout.some((c: { name: string }) => c.name === locus.chromosome);
        assert.equal(decoys.filter((d) => d.chrom === locus.chromosome && d.name === kind).length, made ? 1 : 0, `${name}: ${kind} at ${locus.chromosome}`);
      }
    }
    // Exactly one centromere per chromosome; no decoy overlaps it.
    assert.deepEqual(readBed(join(dir, 'centromeres.bed')).map((c) => c.chrom), ['chr1', 'chr2']);
    assert.equal(sh('bedtools', ['intersect', '-u', '-a', join(dir, 'decoys.bed'), '-b', join(dir, 'centromeres.bed')]), '', `${name}: a decoy overlaps a centromere`);
  }
});

test('--case cento: 155-bp monomer in HORs (TRF: the monomer or HOR period), HOR copies more alike than monomers, 1–6% divergence, a few CRRs', () => {
  const dir = dirs.cento!;
  const p = paramsOf(dir);
  assert.equal(p.params.centO.monomerBp, 155);
  assert.equal(p.params.centO.hor, true);
  assert.ok(p.params.centO.copyDivergence >= 0.01 && p.params.centO.copyDivergence <= 0.06);
  const crr = crrInCentromeres(dir);
  for (const cen of readBed(join(dir, 'centromeres.bed'))) {
    const { horMonomers, horBp } = p.layout.find((c: { name: string }) => c.name === cen.chrom).centromere;
    assert.ok(horMonomers >= 2 && horMonomers <= 6);
    const copies = crr.get(`${cen.chrom}:${cen.start}`) ?? [];
    const crrBp = copies.reduce((s, c) => s + c.end - c.start, 0);
    assert.ok(copies.length >= 1 && crrBp < 0.25 * (cen.end - cen.start), `${cen.chrom}: ${copies.length} CRR, ${crrBp} bp`);
    const periods = trfOnArray(dir, cen, copies, `cento_${cen.chrom}`);
    assert.ok(reports(periods, [155, horBp]), `${cen.chrom}: TRF periods ${periods}, planned 155 or ${horBp}`);
    const s = satelliteStretch(cen, copies);
    const seq = region(dir, cen.chrom, s.start, Math.min(s.end, s.start + 20_000));
    assert.ok(identityAt(seq, horBp) > identityAt(seq, 155) + 0.005, `${cen.chrom}: identity ${identityAt(seq, horBp).toFixed(3)} at the HOR vs ${identityAt(seq, 155).toFixed(3)} at the monomer`);
  }
});

test('--case diverged: ≥ 8% per-copy divergence measured between adjacent copies, no HOR, TRF period = the monomer; copies closer within a chromosome than between', () => {
  const dir = dirs.diverged!;
  const p = paramsOf(dir);
  const m: number = p.params.centO.monomerBp;
  assert.ok(m >= 150 && m <= 200 && p.params.centO.hor === false && p.params.centO.copyDivergence >= 0.08);
  const crr = crrInCentromeres(dir);
  const monomers: string[] = [];
  for (const cen of readBed(join(dir, 'centromeres.bed'))) {
    const copies = crr.get(`${cen.chrom}:${cen.start}`) ?? [];
    const periods = trfOnArray(dir, cen, copies, `diverged_${cen.chrom}`);
    assert.ok(reports(periods, [m]), `${cen.chrom}: TRF periods ${periods}, planned ${m}`);
    const s = satelliteStretch(cen, copies);
    const seq = region(dir, cen.chrom, s.start, Math.min(s.end, s.start + 40_000));
    // Adjacent monomer-length windows: consecutive copies.
    const adjacent = identityAt(seq, m);
    const d = divergenceFromIdentity(adjacent);
    assert.ok(d >= 0.075, `${cen.chrom}: identity ${adjacent.toFixed(3)} between adjacent copies → ${(100 * d).toFixed(1)}% per-copy divergence`);
    // No HOR: copies 2…6 monomers apart are no more alike than neighbours.
    for (let k = 2; k <= 6; k++) assert.ok(identityAt(seq, k * m) < adjacent + 0.02, `${cen.chrom}: identity ${identityAt(seq, k * m).toFixed(3)} at +${k}×${m} vs ${adjacent.toFixed(3)} at +${m}`);
    monomers.push(seq);
  }
  // Copy to copy, phase unknown (indels shift it): each chr1 copy against the best rotation of
  // a chr1 copy far away, and of a chr2 copy. Both take a maximum over m rotations, so the
  // comparison is fair; the family is shared, each chromosome's variant its own.
  const [a, b] = monomers as [string, string];
  const same = (x: string, y: string) => [...x].filter((ch, i) => ch === y[i]).length / x.length;
  const complement: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' };
  const reverseComplement = (x: string) => [...x].reverse().map((ch) => complement[ch] ?? 'N').join('');
  // Blocks of an array may be inverted: either strand of the 2-copy stretch.
  const bestRotation = (copy: string, seq: string, at: number) => {
    const forward = seq.slice(at, at + 2 * m);
    return Math.max(...[forward, reverseComplement(forward)].flatMap((s) => Array.from({ length: m }, (_, r) => same(copy, s.slice(r, r + m)))));
  };
  let within = 0;
  let between = 0;
  const n = 40;
  for (let i = 0; i < n; i++) {
    const copy = a.slice(i * m, (i + 1) * m);
    within += bestRotation(copy, a, (60 + i) * m);
    between += bestRotation(copy, b, i * m);
  }
  assert.ok(within / n > between / n + 0.005, `identity within chr1 ${(within / n).toFixed(3)}, chr1 vs chr2 ${(between / n).toFixed(3)}`);
  assert.ok(between / n > 0.5, `chr1 vs chr2 ${(between / n).toFixed(3)}: the family is not recognisable across chromosomes`);
});

test('--case rdna-decoy: 1–3 5S arrays (TRF: 500-bp unit), each longer than every centromere and more homogeneous than its satellite', () => {
  const dir = dirs['rdna-decoy']!;
  const p = paramsOf(dir);
  const fiveS = readBed(join(dir, 'decoys.bed')).filter((d) => d.name === 'rDNA_5S');
  const centromeres = readBed(join(dir, 'centromeres.bed'));
  assert.ok(fiveS.length >= 1 && fiveS.length <= 3, `${fiveS.length} 5S arrays`);
  const longest = Math.max(...centromeres.map((c) => c.end - c.start));
  const crr = crrInCentromeres(dir);
  let satelliteIdentity = 0;
  for (const cen of centromeres) {
    const s = satelliteStretch(cen, crr.get(`${cen.chrom}:${cen.start}`) ?? []);
    const { horBp } = p.layout.find((c: { name: string }) => c.name === cen.chrom).centromere;
    const seq = region(dir, cen.chrom, s.start, Math.min(s.end, s.start + 20_000));
    satelliteIdentity = Math.max(satelliteIdentity, identityAt(seq, p.params.centO.monomerBp), identityAt(seq, horBp));
  }
  for (const d of fiveS) {
    assert.ok(d.end - d.start >= 300_000 && d.end - d.start > longest, `5S ${d.chrom}:${d.start} of ${d.end - d.start} bp vs centromere ${longest} bp`);
    const seq = region(dir, d.chrom, d.start + 100_000, d.start + 120_000);
    const best = trf(seq, `fiveS_${d.chrom}`)[0]!;
    assert.ok(Math.abs(best.periodBp - 500) <= 2 && best.end - best.start > 0.8 * seq.length, `5S ${d.chrom}: TRF's best repeat ${JSON.stringify(best)}`);
    const unitIdentity = identityAt(seq, 500);
    assert.ok(unitIdentity > 0.98 && unitIdentity > satelliteIdentity + 0.01, `5S ${d.chrom}: identity ${unitIdentity.toFixed(4)} at +500 vs the satellite's ${satelliteIdentity.toFixed(4)}`);
  }
});

test('--case crr-rich: CRR makes up ≥ 40% of every array (bedtools intersect of repeats.bed and centromeres.bed); the rest is satellite at the monomer', () => {
  const dir = dirs['crr-rich']!;
  const p = paramsOf(dir);
  const withCrr = join(tmp.dir, 'crr-only.bed');
  writeFileSync(withCrr, readFileSync(join(dir, 'repeats.bed'), 'utf8').split('\n').filter((l) => l.split('\t')[3] === 'CRR').map((l) => `${l}\n`).join(''));
  // -wao: every centromere with each CRR overlap's bp (0 when none).
  const overlapBp = new Map<string, number>();
  for (const line of sh('bedtools', ['intersect', '-wao', '-a', join(dir, 'centromeres.bed'), '-b', withCrr]).trimEnd().split('\n')) {
    const f = line.split('\t');
    const key = `${f[0]}:${f[1]}-${f[2]}`;
    overlapBp.set(key, (overlapBp.get(key) ?? 0) + Number(f.at(-1)));
  }
  const crr = crrInCentromeres(dir);
  for (const cen of readBed(join(dir, 'centromeres.bed'))) {
    const share = overlapBp.get(`${cen.chrom}:${cen.start}-${cen.end}`)! / (cen.end - cen.start);
    assert.ok(share >= 0.4, `${cen.chrom}: CRR is ${(100 * share).toFixed(1)}% of the array`);
    const { horBp } = p.layout.find((c: { name: string }) => c.name === cen.chrom).centromere;
    const periods = trfOnArray(dir, cen, crr.get(`${cen.chrom}:${cen.start}`) ?? [], `crr_${cen.chrom}`);
    assert.ok(reports(periods, [p.params.centO.monomerBp, horBp]), `${cen.chrom}: TRF periods ${periods}, planned ${p.params.centO.monomerBp} or ${horBp}`);
  }
});

test('--case long-monomer: a 300–400-bp monomer, found by TRF (± 2 bp)', () => {
  const dir = dirs['long-monomer']!;
  const p = paramsOf(dir);
  const m: number = p.params.centO.monomerBp;
  assert.ok(m >= 300 && m <= 400, `monomer ${m}`);
  const crr = crrInCentromeres(dir);
  for (const cen of readBed(join(dir, 'centromeres.bed'))) {
    const { horBp } = p.layout.find((c: { name: string }) => c.name === cen.chrom).centromere;
    const periods = trfOnArray(dir, cen, crr.get(`${cen.chrom}:${cen.start}`) ?? [], `long_${cen.chrom}`);
    assert.ok(reports(periods, [m, horBp]), `${cen.chrom}: TRF periods ${periods}, planned ${m} (HOR ${horBp})`);
  }
});

test('45S rDNA: a unit of 7.5–10.5 kb whose spacer carries 254-bp sub-repeats (TRF), Mb-scale at full size, 1–2 loci', () => {
  const dir = dirs.cento!;
  const p = paramsOf(dir);
  const nor = readBed(join(dir, 'decoys.bed')).find((d) => d.name === 'rDNA_45S');
  assert.ok(nor, 'the cento genome has its NOR on a chromosome made');
  const unitBp: number = p.params.decoys.rDNA45S.unitBp;
  assert.equal(unitBp, 7_900);
  const seq = region(dir, nor.chrom, nor.start, Math.min(nor.end, nor.start + 10 * unitBp));
  assert.ok(identityAt(seq, unitBp) > 0.95, `45S identity ${identityAt(seq, unitBp).toFixed(3)} at its unit`);
  assert.ok(trf(seq.slice(0, 3 * unitBp), 'nor').some((r) => Math.abs(r.periodBp - 254) <= 2 && r.copies >= 3), 'no 254-bp sub-repeat found by TRF');
  // Full size: every genome has one or two NORs of 0.5–3 Mb (capped at a tenth of the chromosome).
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const plan = planGenome({ seed, scale: 1, chromosomes: 12 });
    const nors = plan.chromosomes.flatMap((c) => c.decoys.filter((d) => d.kind === 'rDNA_45S'));
    assert.ok(nors.length >= 1 && nors.length <= 2, `seed ${seed}: ${nors.length} NORs`);
    for (const d of nors) assert.ok(d.endBp - d.startBp >= 500_000, `seed ${seed}: NOR of ${d.endBp - d.startBp} bp`);
  }
});

test('mixed (default): the draws span the wide ranges across seeds, with every table row among them', () => {
  const seen = { monomers: [] as number[], divergences: [] as number[], hor: new Set<boolean>(), crrRich: 0, fiveSLoci: new Set<number>(), fiveSOutsizes: 0, divergedNoHor: 0, long: 0 };
  for (let seed = 1; seed <= 40; seed++) {
    const plan = planGenome({ seed, scale: 1, chromosomes: 12 });
    const c = plan.params.centO;
    assert.equal(c.case, 'mixed');
    seen.monomers.push(c.monomerBp);
    seen.divergences.push(c.copyDivergence);
    seen.hor.add(c.hor);
    if (c.crrFraction) seen.crrRich++;
    if (!c.hor && c.copyDivergence >= 0.08) seen.divergedNoHor++;
    if (c.monomerBp >= 300) seen.long++;
    seen.fiveSLoci.add(plan.params.decoys.rDNA5S.loci.length);
    const arrays = plan.chromosomes.map((x) => x.centromere.endBp - x.centromere.startBp);
    const fiveS = plan.chromosomes.flatMap((x) => x.decoys.filter((d) => d.kind === 'rDNA_5S').map((d) => d.endBp - d.startBp));
    if (plan.params.decoys.rDNA5S.divergence < c.copyDivergence && fiveS.some((f) => arrays.some((a) => a < f))) seen.fiveSOutsizes++;
    for (const x of plan.chromosomes) {
      const cen = x.centromere;
      const crrBp = cen.crrCopies.reduce((s, t) => s + t.lengthBp, 0);
      if (c.crrFraction) assert.ok(crrBp >= 0.4 * (cen.endBp - cen.startBp), `seed ${seed} ${x.name}: CRR ${crrBp} of ${cen.endBp - cen.startBp}`);
      else assert.ok(crrBp <= 0.25 * (cen.endBp - cen.startBp));
      assert.ok(cen.crrCopies.every((t) => t.startBp > cen.startBp && t.startBp + t.lengthBp < cen.endBp));
    }
  }
  assert.ok(Math.min(...seen.monomers) < 130 && Math.max(...seen.monomers) > 300, `monomers ${Math.min(...seen.monomers)}–${Math.max(...seen.monomers)}`);
  assert.ok(seen.monomers.every((m) => m >= 100 && m <= 1000));
  assert.ok(seen.divergences.every((d) => d >= 0.01 && d <= 0.15) && Math.min(...seen.divergences) < 0.02 && Math.max(...seen.divergences) > 0.1);
  assert.deepEqual([...seen.hor].sort(), [false, true]);
  assert.ok(seen.crrRich > 0 && seen.crrRich < 40, `${seen.crrRich} CRR-rich genomes`);
  assert.ok(seen.divergedNoHor > 0 && seen.long > 0 && seen.fiveSOutsizes > 0, JSON.stringify({ ...seen, monomers: undefined, divergences: undefined, hor: undefined, fiveSLoci: [...seen.fiveSLoci] }));
  assert.ok(seen.fiveSLoci.has(1) && seen.fiveSLoci.size >= 3, `5S loci per genome: ${[...seen.fiveSLoci]}`);
});

test('--case: an unknown case, or --case with --example or --epigenome, is a one-line usage error', () => {
  for (const [args, message] of [
    [['--case', 'satellite'], /--case must be one of mixed, cento, diverged, rdna-decoy, crr-rich, long-monomer/],
    [['--epigenome', '--case', 'cento'], /--case is for the rice-like genome/],
    [['--example', '--case', 'cento'], /--case is for the rice-like genome/],
  ] as const) {
    const r = runCli(['simulate', '--out', join(tmp.dir, 'bad'), ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
});
