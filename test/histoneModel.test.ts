import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sh, tempDir } from './helpers.js';

/**
 * The bundled histone model end to end on a simulated epigenome it was not trained on (seed 5;
 * training used seed 1): one BED with the mark as name, a bedGraph and a bigWig per mark, and
 * the planted rules recovered (bin-level AUC and MCC from `genomeinfer evaluate`). The bars
 * sit below the held-out figures in the README (eval:histone), as a regression guard.
 */
const MARKS = ['H3K4me3', 'H3K27me3', 'H3K9ac'];
let tmp: ReturnType<typeof tempDir>;
let dir: string;

before(() => {
  tmp = tempDir();
  dir = join(tmp.dir, 'epi');
  const sim = runCli(['simulate', '--epigenome', '--out', dir, '--seed', '5', '--chromosomes', '2', '--chromosome-bp', '1000000']);
  assert.equal(sim.status, 0, sim.stderr);
  const pred = runCli(['predict', '--model', 'histone', '--fasta', join(dir, 'genome.fa'), '--out', join(dir, 'pred.bed'), '--bedgraph', join(dir, 'pred.bedgraph'), '--bigwig-out', join(dir, 'pred'), '--workers', '2']);
  assert.equal(pred.status, 0, pred.stderr);
});

after(() => tmp?.cleanup());

test('histone model: one BED named by mark, sorted and bedtools-clean; a bedGraph and a bigWig per mark', () => {
  const bed = readFileSync(join(dir, 'pred.bed'), 'utf8');
  const names = new Set(bed.trim().split('\n').map((l) => l.split('\t')[3]));
  assert.deepEqual([...names].sort(), [...MARKS].sort());
  // FASTA order, then start (bedtools sort leaves ties of equal coordinates in no set order).
  const order = readFileSync(join(dir, 'genome.fa.fai'), 'utf8').trim().split('\n').map((l) => l.split('\t')[0]);
  const keys = bed.trim().split('\n').map((l) => l.split('\t')).map(([c, s]) => [order.indexOf(c!), Number(s)] as const);
  keys.slice(1).forEach(([c, s], i) => assert.ok(c > keys[i]![0] || (c === keys[i]![0] && s >= keys[i]![1]), `line ${i + 2} out of order`));
  const sorted = sh('bedtools', ['sort', '-faidx', join(dir, 'genome.fa.fai'), '-i', join(dir, 'pred.bed')]);
  assert.deepEqual(sorted.split('\n').sort(), bed.split('\n').sort());
  for (const m of MARKS) {
    assert.match(readFileSync(join(dir, `pred.${m}.bedgraph`), 'utf8'), /^track type=bedGraph/);
    assert.ok(readFileSync(join(dir, `pred.${m}.bw`)).readUInt32LE(0) === 0x888ffc26, `pred.${m}.bw is a bigWig`);
  }
});

test('histone model recovers the planted rules on a held-out simulated epigenome', () => {
  for (const m of MARKS) {
    const out = runCli(['evaluate', '--truth', join(dir, `${m}.peaks.bed`), '--pred', join(dir, 'pred.bed'), '--label', m, '--probs', join(dir, `pred.${m}.bedgraph`), '--genome', join(dir, 'genome.fa.fai'), '--bin-bp', '100', '--json']);
    assert.equal(out.status, 0, out.stderr);
    const { auc, mcc } = (JSON.parse(out.stdout) as { bins: { auc: number; mcc: number } }).bins;
    assert.ok(auc >= 0.93, `${m}: AUC ${auc}`);
    assert.ok(mcc >= 0.7, `${m}: MCC ${mcc}`);
  }
});
