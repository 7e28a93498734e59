/**
 * npm run eval:histone — the histone model on a held-out simulated epigenome (a seed never used
 * in training): `predict --model histone --bedgraph`, then `evaluate --label MARK` per mark
 * against that mark's truth peaks, bin-level at the model's bin size. Targets (issue 4, seed
 * 001): AUC ≥ 0.95 and MCC ≥ 0.75 per mark. Env: HELDOUT_SEED (default 101), HELDOUT_CHROMOSOMES (default 2).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRepository, modelRef } from '../src/models/repository.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SEED = process.env.HELDOUT_SEED ?? '101';
const CHROMOSOMES = process.env.HELDOUT_CHROMOSOMES ?? '2';
const cli = (args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const model = await new ModelRepository().load('histone');
const dir = join(ROOT, '.cache/histone-test', `seed${SEED}`);
if (!existsSync(join(dir, 'genome.fa.fai'))) cli(['simulate', '--epigenome', '--out', dir, '--seed', SEED, '--chromosomes', CHROMOSOMES]);
const pred = join(dir, 'predicted.bed');
cli(['predict', '--model', modelRef(model.manifest), '--fasta', join(dir, 'genome.fa'), '--out', pred, '--bedgraph', join(dir, 'predicted.bedgraph')]);
let pass = true;
console.log(`eval:histone — ${model.key} on held-out simulated epigenome seed ${SEED} (${CHROMOSOMES} chromosomes), ${model.geometry.binBp}-bp bins`);
for (const mark of model.manifest.labels) {
  const report = JSON.parse(
    cli(['evaluate', '--truth', join(dir, `${mark}.peaks.bed`), '--pred', pred, '--label', mark, '--probs', join(dir, `predicted.${mark}.bedgraph`),
      '--genome', join(dir, 'genome.fa.fai'), '--bin-bp', String(model.geometry.binBp), '--json']),
  ) as { bins: { auc: number | null; mcc: number | null; precision: number; recall: number; f1: number } };
  const { auc, mcc, precision, recall } = report.bins;
  const ok = (auc ?? 0) >= 0.95 && (mcc ?? 0) >= 0.75;
  pass &&= ok;
  console.log(`  ${mark.padEnd(9)} AUC ${auc?.toFixed(4)}  MCC ${mcc?.toFixed(4)}  precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  ${ok ? 'meets' : 'misses'} AUC ≥ 0.95, MCC ≥ 0.75`);
}
console.log(pass ? 'all marks meet the targets' : 'some marks miss the targets');
