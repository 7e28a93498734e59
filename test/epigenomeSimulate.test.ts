import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sh, tempDir } from './helpers.js';

/** The planted rules of `simulate --epigenome`, checked with samtools and bedtools. */
const MOTIFS: Record<string, string> = { ACT: 'GCCACGTGGC', AC2: 'AATTGACCAA', PRE: 'GAGAGAGAGA', ENH: 'ATGACGTCAT' };
let tmp: ReturnType<typeof tempDir>;
let dir: string;

function simulate(out: string): void {
  const r = runCli(['simulate', '--epigenome', '--out', out, '--seed', '3', '--chromosomes', '2', '--chromosome-bp', '600000']);
  assert.equal(r.status, 0, r.stderr);
}

function bedLines(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}

/** Promoter contexts (TSS − 1 kb … TSS + 500, strand-aware) of the genes of one class, as a BED file. */
function promoters(cls: string): string {
  const lines = bedLines(join(dir, 'genes.bed'))
    .filter((g) => g[3]!.endsWith(`:${cls}`))
    .map(([c, s, e, name, , strand]) => {
      const [lo, hi] = strand === '+' ? [Number(s) - 1000, Number(s) + 500] : [Number(e) - 500, Number(e) + 1000];
      return `${c}\t${lo}\t${hi}\t${name}\n`;
    });
  const path = join(tmp.dir, `${cls}.promoters.bed`);
  writeFileSync(path, lines.join(''));
  return path;
}

/** Fraction of the regions in `bed` that overlap a peak of `mark`. */
function markedFraction(bed: string, mark: string): number {
  const total = bedLines(bed).length;
  const hit = sh('bedtools', ['intersect', '-u', '-a', bed, '-b', join(dir, `${mark}.peaks.bed`)]).trim().split('\n').filter(Boolean).length;
  return hit / total;
}

before(() => {
  tmp = tempDir();
  dir = join(tmp.dir, 'epi');
  simulate(dir);
});

after(() => tmp?.cleanup());

test('simulate --epigenome: FASTA indexed as samtools does, identical for the same seed', () => {
  const fai = readFileSync(join(dir, 'genome.fa.fai'), 'utf8');
  const again = join(tmp.dir, 'again');
  simulate(again);
  sh('cp', [join(dir, 'genome.fa'), join(tmp.dir, 'copy.fa')]);
  sh('samtools', ['faidx', join(tmp.dir, 'copy.fa')]);
  assert.equal(readFileSync(join(tmp.dir, 'copy.fa.fai'), 'utf8'), fai);
  assert.match(fai, /^chr1\t600000\t/);
  for (const f of ['genome.fa', 'genes.bed', 'motifs.bed', 'H3K4me3.peaks.bed', 'H3K27me3.peaks.bed', 'H3K9ac.peaks.bed', 'H3K9ac.coverage.bedgraph']) {
    assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(again, f))), `${f} differs between two runs of one seed`);
  }
});

test('simulate --epigenome: every planted motif is in the sequence (bedtools getfasta -s)', () => {
  const rows = sh('bedtools', ['getfasta', '-fi', join(dir, 'genome.fa'), '-bed', join(dir, 'motifs.bed'), '-s', '-name', '-tab'])
    .trim()
    .split('\n');
  assert.ok(rows.length > 100, `${rows.length} motif sites`);
  for (const row of rows) {
    const [name, seq] = row.split('\t');
    const motif = name!.replace(/::.*/, '');
    assert.equal(seq, MOTIFS[motif], `${row}`);
  }
});

test('simulate --epigenome: marks follow the planted rules; decoys carrying half a rule stay unmarked', () => {
  // H3K4me3 needs ACT *and* a GC-rich context; 3% of true peaks are dropped as label noise.
  assert.ok(markedFraction(promoters('active'), 'H3K4me3') >= 0.9);
  assert.ok(markedFraction(promoters('active_acetylated'), 'H3K9ac') >= 0.9);
  for (const decoy of ['motif_at_rich', 'gc_rich_no_motif', 'silent']) {
    const f = markedFraction(promoters(decoy), 'H3K4me3');
    assert.ok(f <= 0.1, `${decoy} promoters marked by H3K4me3: ${f}`);
  }
  assert.ok(markedFraction(promoters('active'), 'H3K9ac') <= 0.1, 'H3K9ac needs the co-activator motif too');
  // The GC-rich promoter context is real sequence: bedtools nuc's GC fraction per promoter.
  const gc = (cls: string) => {
    const rows = sh('bedtools', ['nuc', '-fi', join(dir, 'genome.fa'), '-bed', promoters(cls)]).trim().split('\n').slice(1);
    return rows.reduce((s, r) => s + Number(r.split('\t')[5]), 0) / rows.length;
  };
  assert.ok(gc('active') > 0.55 && gc('motif_at_rich') < 0.36 && Math.abs(gc('silent') - 0.43) < 0.03, `GC ${gc('active')} ${gc('motif_at_rich')} ${gc('silent')}`);
  // H3K27me3 domains surround PRE clusters (≥ 4 motifs); 1–2 PREs (pre_sparse) stay unmarked.
  assert.ok(markedFraction(promoters('polycomb'), 'H3K27me3') >= 0.9);
  assert.ok(markedFraction(promoters('pre_sparse'), 'H3K27me3') <= 0.2);
});
