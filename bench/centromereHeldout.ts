/**
 * npm run eval:centromere — the centromere model on held-out simulated genomes (seeds never
 * used in training): for each, `predict --model centromere`, then `evaluate` against the truth
 * and `bedtools intersect` against the decoy arrays. Prints calls per chromosome, decoy hits
 * and the mean per-chromosome IoU. Env: HELDOUT (default "301:0.15,302:0.15,303:1,304:0.15,305:0.15,306:1" =
 * seed:scale pairs; 303 and 306 are full rice length).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const genomes = (process.env.HELDOUT ?? '301:0.15,302:0.15,303:1,304:0.15,305:0.15,306:1').split(',').map((s) => s.split(':') as [string, string]);
const cli = (args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const means: number[] = [];
for (const [seed, scale] of genomes) {
  const dir = join(ROOT, '.cache/centromere-test', `seed${seed}${scale === '1' ? '' : `-x${scale}`}`);
  if (!existsSync(join(dir, 'genome.fa.fai'))) cli(['simulate', '--out', dir, '--seed', seed, '--scale', scale]);
  const pred = join(dir, 'predicted.bed');
  const started = performance.now();
  cli(['predict', '--model', 'centromere', '--fasta', join(dir, 'genome.fa'), '--out', pred, '--bedgraph', join(dir, 'predicted.bedgraph')]);
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(
    cli(['evaluate', '--truth', join(dir, 'centromeres.bed'), '--pred', pred, '--probs', join(dir, 'predicted.bedgraph'), '--genome', join(dir, 'genome.fa.fai'), '--bin-bp', '1000', '--json']),
  ) as { chromosomes: { name: string; predRegions: number; iou: number | null }[]; meanChromosomeIoU: number; bins: { auc: number | null; mcc: number | null } };
  const decoyHits = execFileSync('bedtools', ['intersect', '-u', '-a', pred, '-b', join(dir, 'decoys.bed')], { encoding: 'utf8' }).trim();
  const callsPerChromosome = report.chromosomes.map((c) => c.predRegions);
  means.push(report.meanChromosomeIoU);
  console.log(
    `seed ${seed} (scale ${scale}, ${report.chromosomes.length} chromosomes, predict ${seconds.toFixed(1)} s): ` +
      `calls per chromosome ${[...new Set(callsPerChromosome)].join('/')}, calls on decoys ${decoyHits ? decoyHits.split('\n').length : 0}, ` +
      `mean chromosome IoU ${report.meanChromosomeIoU.toFixed(4)} (min ${Math.min(...report.chromosomes.map((c) => c.iou ?? 0)).toFixed(4)}), bin AUC ${report.bins.auc?.toFixed(4)}, MCC ${report.bins.mcc?.toFixed(4)}`,
  );
}
console.log(`mean over ${means.length} genomes: ${(means.reduce((a, b) => a + b, 0) / means.length).toFixed(4)} (target ≥ 0.90)`);
