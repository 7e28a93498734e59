import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_COLUMNS } from '../src/simulate/panel.js';
import { RICE_FILES } from '../src/simulate/genomeFiles.js';
import { runCli, sh, tempDir } from './helpers.js';
import type { ChromosomeRecord } from '../src/simulate/panel.js';

/**
 * `simulate --panel`: varieties derived from one base genome. The base is made separately with
 * plain `simulate` (same seed and options), so the checks compare each variety against an
 * independent copy of what it was derived from.
 */
const SMALL = ['--seed', '5', '--scale', '0.02', '--chromosomes', '3'];
const N = 12;

let tmp: ReturnType<typeof tempDir>;
let base: string;
let panel: string;

interface Bed {
  chrom: string;
  start: number;
  end: number;
  name: string;
}

type Edit = ChromosomeRecord['edits'][number];

function cli(args: string[]): void {
  const r = runCli(['simulate', ...args]);
  assert.equal(r.status, 0, r.stderr);
}

function readBed(path: string): Bed[] {
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => {
    const f = line.split('\t');
    return { chrom: f[0]!, start: Number(f[1]), end: Number(f[2]), name: f[3]! };
  });
}

function readFasta(dir: string): Map<string, Buffer> {
  const seqs = new Map<string, Buffer>();
  for (const record of readFileSync(join(dir, 'genome.fa'), 'latin1').split('>').slice(1)) {
    const newline = record.indexOf('\n');
    seqs.set(record.slice(0, newline).split(' ')[0]!, Buffer.from(record.slice(newline + 1).replaceAll('\n', ''), 'latin1'));
  }
  return seqs;
}

function readManifest(dir: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(join(dir, 'manifest.tsv'), 'utf8').trimEnd().split('\n');
  const columns = header!.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [columns[i]!, v])));
}

const varietyParams = (name: string) => JSON.parse(readFileSync(join(panel, name, 'params.json'), 'utf8'));

/**
 * Fraction of x in [start, end − offset) where seq[x] equals seq[x + offset], case-insensitive,
 * N skipped; undefined when fewer than 100 positions could be compared.
 */
function periodMatch(seq: Buffer, start: number, end: number, offset: number): number | undefined {
  let same = 0;
  let n = 0;
  for (let x = Math.max(0, start); x + offset < Math.min(end, seq.length); x++) {
    const b = seq[x]! & 0xdf;
    if (b === 78 || (seq[x + offset]! & 0xdf) === 78) continue;
    n++;
    if (b === (seq[x + offset]! & 0xdf)) same++;
  }
  return n < 100 ? undefined : same / n;
}

/**
 * Recounts a variety's differences from the base by walking both sequences: structural edits
 * are taken from params.json (base coordinates, inserted length) and jumped over; every other
 * difference must read as exactly one SNP (same case, another base) or one 1–20-bp indel,
 * followed by 12 matching bases.
 */
function recount(b: Buffer, v: Buffer, edits: Edit[]): { snps: number; indels: number } {
  const K = 12;
  const matches = (i: number, j: number) => {
    if (i + K > b.length || j + K > v.length) return false;
    for (let k = 0; k < K; k++) if (b[i + k] !== v[j + k]) return false;
    return true;
  };
  let snps = 0;
  let indels = 0;
  let i = 0;
  let j = 0;
  let e = 0;
  while (i < b.length || j < v.length) {
    if (e < edits.length && i === edits[e]!.baseStartBp) {
      i = edits[e]!.baseEndBp;
      j += edits[e]!.insertedBp;
      e++;
      continue;
    }
    const stop = e < edits.length ? edits[e]!.baseStartBp : b.length;
    while (i < stop && j < v.length && b[i] === v[j]) {
      i++;
      j++;
    }
    if (i === stop && (e < edits.length || j === v.length)) continue;
    if (matches(i + 1, j + 1) && (b[i]! & 0x20) === (v[j]! & 0x20) && (b[i]! & 0xdf) !== (v[j]! & 0xdf) && (b[i]! & 0xdf) !== 78) {
      snps++;
      i++;
      j++;
      continue;
    }
    const L = Array.from({ length: 20 }, (_, k) => k + 1).find((l) => matches(i + l, j) || matches(i, j + l));
    assert.ok(L !== undefined, `unexplained difference at base ${i}, variety ${j}: ${b.subarray(i - 5, i + 25).toString('latin1')} vs ${v.subarray(j - 5, j + 25).toString('latin1')}`);
    if (matches(i + L, j)) i += L;
    else j += L;
    indels++;
  }
  assert.equal(e, edits.length, 'not every structural edit was reached');
  return { snps, indels };
}

before(() => {
  tmp = tempDir('genomeinfer-panel-');
  base = join(tmp.dir, 'base');
  panel = join(tmp.dir, 'panel');
  cli(['--out', base, ...SMALL]);
  cli(['--panel', String(N), '--out', panel, ...SMALL]);
});
after(() => tmp.cleanup());

test('panel: the manifest lists V01…V12 with their FASTAs; each .fai equals samtools faidx; same seed → identical bytes', () => {
  const rows = readManifest(panel);
  assert.deepEqual(Object.keys(rows[0]!), [...MANIFEST_COLUMNS]);
  assert.deepEqual(rows.map((r) => r.variety), Array.from({ length: N }, (_, i) => `V${String(i + 1).padStart(2, '0')}`));
  for (const r of rows) {
    assert.equal(r.fasta, `${r.variety}/genome.fa`);
    const fasta = join(panel, r.fasta!);
    const theirs = join(tmp.dir, `${r.variety}.fai`);
    sh('samtools', ['faidx', fasta, '-o', theirs]);
    assert.equal(readFileSync(`${fasta}.fai`, 'utf8'), readFileSync(theirs, 'utf8'), `${r.variety}: .fai differs from samtools faidx`);
    assert.match(sh('samtools', ['faidx', fasta, 'chr2:1001-1060']), /^>chr2:1001-1060\n[ACGTNacgtn]{60}\n$/);
    const params = varietyParams(r.variety!);
    assert.equal(Number(r.snps), params.snps);
    assert.equal(Number(r.indels), params.indels);
    for (const f of RICE_FILES) assert.ok(existsSync(join(panel, r.variety!, f)), `${r.variety}/${f} is missing`);
  }
  assert.deepEqual(readdirSync(panel).filter((f) => f.startsWith('.')), [], 'temporary files left behind');

  const again = join(tmp.dir, 'again');
  cli(['--panel', String(N), '--out', again, ...SMALL]);
  assert.ok(readFileSync(join(panel, 'manifest.tsv')).equals(readFileSync(join(again, 'manifest.tsv'))));
  for (const r of rows) for (const f of RICE_FILES) assert.ok(readFileSync(join(panel, r.variety!, f)).equals(readFileSync(join(again, r.variety!, f))), `${r.variety}/${f} differs between identical runs`);

  // A variety depends on the seed and its number only: V3 of a panel of 3 is V03 of this one.
  const three = join(tmp.dir, 'three');
  cli(['--panel', '3', '--out', three, ...SMALL]);
  assert.deepEqual(readManifest(three).map((r) => r.variety), ['V1', 'V2', 'V3']);
  assert.deepEqual(readFasta(join(three, 'V3')), readFasta(join(panel, 'V03')));
  assert.equal(readFileSync(join(three, 'V3', 'centromeres.bed'), 'utf8'), readFileSync(join(panel, 'V03', 'centromeres.bed'), 'utf8'));
});

test('panel: varieties differ from one another and from the base by exactly the SNPs, indels and edits params.json reports', () => {
  const baseSeqs = readFasta(base);
  const seen = new Set<string>();
  for (const r of readManifest(panel)) {
    const params = varietyParams(r.variety!);
    const seqs = readFasta(join(panel, r.variety!));
    const fingerprint = [...seqs.values()].map((s) => s.toString('latin1')).join('>');
    assert.ok(!seen.has(fingerprint), `${r.variety} has the same sequence as another variety`);
    seen.add(fingerprint);
    assert.ok(params.varied.snpRate >= 0.001 && params.varied.snpRate <= 0.01 && params.varied.indelRate < params.varied.snpRate);
    let snps = 0;
    let indels = 0;
    for (const c of params.chromosomes as ChromosomeRecord[]) {
      const b = baseSeqs.get(c.name)!;
      const v = seqs.get(c.name)!;
      assert.equal(c.baseLengthBp, b.length);
      assert.equal(c.lengthBp, v.length);
      const found = recount(b, v, c.edits);
      assert.deepEqual(found, { snps: c.snps, indels: c.indels }, `${r.variety} ${c.name}`);
      snps += found.snps;
      indels += found.indels;
      // Rough rate check: SNPs per base near the drawn rate (the 25-bp spacing and N skips thin it a little).
      const rate = c.snps / c.baseLengthBp;
      assert.ok(rate > 0.6 * params.varied.snpRate && rate < 1.4 * params.varied.snpRate, `${r.variety} ${c.name}: SNP rate ${rate} vs ${params.varied.snpRate}`);
    }
    assert.deepEqual({ snps, indels }, { snps: params.snps, indels: params.indels });
  }
});

test('panel: truth BEDs are exact in each variety — N runs are gaps.bed, lowercase is repeats ∪ centromeres ∪ decoys, centromeres are CentO', () => {
  const baseParams = JSON.parse(readFileSync(join(base, 'params.json'), 'utf8'));
  const monomerBp: number = baseParams.params.centO.monomerBp;
  const edits = new Set<string>();
  let contracted = 0;
  let expandedOrMoved = 0;
  for (const dir of [base, ...readManifest(panel).map((r) => join(panel, r.variety!))]) {
    const seqs = readFasta(dir);
    const runs: string[] = [];
    for (const [name, seq] of seqs) for (const m of seq.toString('latin1').matchAll(/N+/g)) runs.push(`${name}\t${m.index}\t${m.index! + m[0].length}`);
    assert.deepEqual(runs, readBed(join(dir, 'gaps.bed')).map((g) => `${g.chrom}\t${g.start}\t${g.end}`), `${dir}: N runs ≠ gaps.bed`);

    // Every soft-masked base lies in a repeat or array and vice versa: a 1-bp error at any feature edge shows.
    const masked = new Map([...seqs].map(([name, s]) => [name, new Uint8Array(s.length)]));
    for (const f of ['repeats.bed', 'centromeres.bed', 'decoys.bed']) for (const r of readBed(join(dir, f))) masked.get(r.chrom)!.fill(1, r.start, r.end);
    for (const [name, seq] of seqs) {
      const m = masked.get(name)!;
      let wrong = 0;
      for (let i = 0; i < seq.length; i++) if ((seq[i]! >= 97 ? 1 : 0) !== m[i]) wrong++;
      assert.equal(wrong, 0, `${dir} ${name}: ${wrong} bases whose case disagrees with the BEDs`);
    }

    const centromeres = readBed(join(dir, 'centromeres.bed'));
    assert.deepEqual(centromeres.map((r) => r.chrom), [...seqs.keys()]);
    const layout = dir === base ? undefined : (JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8')).chromosomes as ChromosomeRecord[]);
    for (const r of centromeres) {
      const seq = seqs.get(r.chrom)!;
      // The whole interval, and each of its edges, repeats at the monomer (random sequence: ≈ 0.26);
      // just outside it does not. (Long-unit decoys are not checked so: small indels shift their phase.)
      for (const [s, e] of [[r.start, r.end], [r.start, r.start + 1500], [r.end - 1500, r.end]] as const) {
        const identity = periodMatch(seq, s, e, monomerBp)!;
        assert.ok(identity > 0.45, `${dir} ${r.chrom}:${s}-${e}: ${identity.toFixed(3)} identity at +${monomerBp}`);
      }
      for (const [s, e] of [[r.start - 1500, r.start], [r.end, r.end + 1500]] as const) {
        const identity = periodMatch(seq, s, e, monomerBp);
        assert.ok(identity === undefined || identity < 0.35, `${dir} ${r.chrom}:${s}-${e} (outside the centromere): ${identity?.toFixed(3)} identity at +${monomerBp}`);
      }
      const c = layout?.find((x) => x.name === r.chrom)?.centromere;
      if (c) {
        assert.deepEqual([c.startBp, c.endBp], [r.start, r.end]);
        assert.ok(r.end - r.start >= 20 * monomerBp, `${dir} ${r.chrom}: array of ${r.end - r.start} bp`);
        if (c.arrayBpChange < -monomerBp) contracted++;
        if (c.arrayBpChange > monomerBp || Math.abs(c.shiftBp) > 10_000) expandedOrMoved++;
      }
    }
    for (const c of layout ?? []) for (const e of c.edits) edits.add(e.cause);
  }
  assert.ok(contracted > 0 && expandedOrMoved > 0, `contracted ${contracted}, expanded or moved ${expandedOrMoved}`);
  for (const cause of ['centromere_contraction', 'arm_insertion', 'arm_deletion']) assert.ok(edits.has(cause), `no variety has a ${cause} (${[...edits].join(', ')})`);
});

test('panel: decoy arrays are present in some varieties and lost in others; decoys.bed lists exactly the present ones', () => {
  const baseDecoys = readBed(join(base, 'decoys.bed'));
  const presence = baseDecoys.map(() => [0, 0]);
  for (const r of readManifest(panel)) {
    const chromosomes = varietyParams(r.variety!).chromosomes as ChromosomeRecord[];
    const listed = chromosomes.flatMap((c) => c.decoys.map((d) => ({ ...d, chrom: c.name })));
    assert.deepEqual(listed.map((d) => `${d.chrom}:${d.baseStartBp}-${d.baseEndBp} ${d.kind}`), baseDecoys.map((d) => `${d.chrom}:${d.start}-${d.end} ${d.name}`));
    listed.forEach((d, i) => presence[i]![d.present ? 0 : 1]!++);
    const lost = listed.filter((d) => !d.present);
    assert.equal(Number(r.decoys_lost), lost.length);
    const decoys = readBed(join(panel, r.variety!, 'decoys.bed'));
    assert.deepEqual(decoys.map((d) => `${d.chrom} ${d.name} ${d.end - d.start > 0}`), listed.filter((d) => d.present).map((d) => `${d.chrom} ${d.kind} true`));
    // A lost array is deleted whole: an edit with exactly its base coordinates.
    for (const d of lost) {
      const c = chromosomes.find((x) => x.name === d.chrom)!;
      assert.ok(c.edits.some((e) => e.cause === `${d.kind}_loss` && e.baseStartBp === d.baseStartBp && e.baseEndBp === d.baseEndBp && e.insertedBp === 0), `${r.variety} ${d.chrom}: no deletion of its lost ${d.kind}`);
    }
  }
  assert.ok(presence.some(([present, lost]) => present! > 0 && lost! > 0), `no decoy is present in one variety and lost in another: ${JSON.stringify(presence)}`);
});

test('panel: bad options get one-line usage errors', () => {
  for (const [args, message] of [
    [['--panel', '0'], /--panel must be a positive integer/],
    [['--panel', 'x'], /--panel must be a positive integer/],
    [['--panel', '10000'], /--panel must be 1…9999/],
    [['--panel', '2', '--example'], /--panel derives varieties of the rice-like genome/],
    [['--panel', '2', '--epigenome'], /--panel derives varieties of the rice-like genome/],
    [['--panel', '2', '--scale', '0.0001'], /each chromosome needs at least/],
  ] as const) {
    const r = runCli(['simulate', '--out', join(tmp.dir, 'bad'), ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
  assert.ok(!existsSync(join(tmp.dir, 'bad')), 'a refused run created its output directory');
});
