/**
 * npm run eval:centromere — centromere models side by side on held-out simulated genomes
 * (seeds never used in training, fixed before centromere@5 was trained): for each genome and
 * model, `predict`, then `evaluate` against the truth and `bedtools intersect` against the
 * decoy arrays. Prints, per genome and per case, the mean and minimum per-chromosome IoU of the
 * top call, calls on decoys and chromosomes without a call; then the totals.
 * Env: MODELS (default "centromere@4,centromere@6,centromere@7,centromere@9"); HELDOUT (default below) = comma-separated
 * seed:scale:case[:chromosomes] (case as `simulate --case`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
/**
 * Every row of issue 11's table, two genomes each; 702, 722 and 752 are full rice length.
 * Fixed (committed) before centromere@7's region-calling steps were scored on them. The
 * earlier sets are spent: 601-652 was looked at for centromere@6 and its two candidate steps
 * (and its misses shaped centromere@7's steps), 501-552 for five candidates while centromere@5
 * was chosen; neither says any more how a model does on genomes it was not picked on.
 * `HELDOUT=601:0.15:cento,...` runs one of them.
 */
const HELDOUT_DEFAULT =
  '701:0.15:cento,702:1:cento,711:0.15:diverged,712:0.15:diverged:4,721:0.15:rdna-decoy,722:1:rdna-decoy,' +
  '731:0.15:crr-rich,732:0.15:crr-rich:6,741:0.15:long-monomer,742:0.15:long-monomer:4,751:0.15:mixed,752:1:mixed';
const genomes = (process.env.HELDOUT ?? HELDOUT_DEFAULT).split(',').map((s) => {
  const [seed, scale, kase, chromosomes] = s.split(':') as [string, string, string, string?];
  return { seed, scale, kase, chromosomes: chromosomes ?? '12' };
});
const models = (process.env.MODELS ?? 'centromere@4,centromere@6,centromere@7,centromere@9').split(',');
/** Chromosomes below this IoU are listed under their genome's line. */
const WEAK_IOU = 0.9;
const cli = (args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

interface Score { iou: number[]; decoyCalls: number; uncalled: number; seconds: number }
const scores = new Map<string, Map<string, Score>>(); // model → genome label → score

for (const g of genomes) {
  const label = `seed${g.seed}-${g.kase}-x${g.scale}-c${g.chromosomes}`;
  const dir = join(ROOT, '.cache/centromere-heldout', label);
  if (!existsSync(join(dir, 'genome.fa.fai'))) {
    cli(['simulate', '--out', dir, '--seed', g.seed, '--scale', g.scale, '--case', g.kase, '--chromosomes', g.chromosomes]);
  }
  for (const model of models) {
    const tag = model.replace('@', '-');
    const pred = join(dir, `${tag}.bed`);
    const started = performance.now();
    cli(['predict', '--model', model, '--fasta', join(dir, 'genome.fa'), '--out', pred, '--bedgraph', join(dir, `${tag}.bedgraph`)]);
    const seconds = (performance.now() - started) / 1000;
    const report = JSON.parse(
      cli(['evaluate', '--truth', join(dir, 'centromeres.bed'), '--pred', pred, '--probs', join(dir, `${tag}.bedgraph`), '--genome', join(dir, 'genome.fa.fai'), '--bin-bp', '1000', '--json']),
    ) as { chromosomes: { name: string; predRegions: number; iou: number | null }[] };
    const decoyHits = execFileSync('bedtools', ['intersect', '-u', '-a', pred, '-b', join(dir, 'decoys.bed')], { encoding: 'utf8' }).trim();
    const score: Score = {
      iou: report.chromosomes.map((c) => c.iou ?? 0),
      decoyCalls: decoyHits ? decoyHits.split('\n').length : 0,
      uncalled: report.chromosomes.filter((c) => c.predRegions === 0).length,
      seconds,
    };
    if (!scores.has(model)) scores.set(model, new Map());
    scores.get(model)!.set(label, score);
    console.log(`${label.padEnd(36)} ${model.padEnd(14)} mean IoU ${mean(score.iou).toFixed(4)}  min ${Math.min(...score.iou).toFixed(4)}  ` +
      `decoy calls ${score.decoyCalls}  no call ${score.uncalled}/${score.iou.length}  (predict ${seconds.toFixed(1)} s)`);
    // The misses, named: where the next model or calling step has to look.
    const weak = report.chromosomes.filter((c) => (c.iou ?? 0) < WEAK_IOU).map((c) => `${c.name} ${(c.iou ?? 0).toFixed(3)}`);
    if (weak.length) console.log(`${''.padEnd(51)}below ${WEAK_IOU}: ${weak.join(', ')}${decoyHits ? `; on decoys: ${decoyHits.split('\n').map((l) => l.split('\t').slice(0, 3).join(':')).join(', ')}` : ''}`);
  }
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

console.log('\nper case: mean per-chromosome IoU (min) | decoy calls | chromosomes without a call');
const cases = [...new Set(genomes.map((g) => g.kase))];
console.log(['case'.padEnd(14), ...models.map((m) => m.padEnd(34))].join(' '));
const row = (pick: (label: string) => boolean) =>
  models.map((m) => {
    const s = [...scores.get(m)!.entries()].filter(([label]) => pick(label)).map(([, v]) => v);
    const ious = s.flatMap((v) => v.iou);
    return `${mean(ious).toFixed(4)} (${Math.min(...ious).toFixed(3)}) | ${s.reduce((a, v) => a + v.decoyCalls, 0)} | ${s.reduce((a, v) => a + v.uncalled, 0)}`.padEnd(34);
  });
for (const kase of cases) console.log([kase.padEnd(14), ...row((label) => label.includes(`-${kase}-`))].join(' '));
console.log([`all (${genomes.length})`.padEnd(14), ...row(() => true)].join(' '));
console.log('targets (issue 11): mean ≥ 0.97, no chromosome < 0.80, zero decoy calls');
